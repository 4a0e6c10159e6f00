"""The one strict TOML reader: ``ronde.toml``, the model presets and ``plan.toml``.

`lees_toml` reads and parses a file (missing file, not UTF-8, invalid TOML and
protected keys are errors naming the file); `TomlLezer` gives typed access to
the values, every error a `ConfiguratieFout` naming the file, the dotted key
(``ronde.periode``, ``regio[2].naam``) and the value, and saying what is valid.
Unknown sections and keys are refused, with a suggestion for a typo
(`allocatie.io.schema.bedoelde_u`): a misspelt key must never be ignored.

Examples
--------
>>> lz = TomlLezer("ronde.toml")
>>> lz.tabel({"naam": "x"}, "ronde", {"naam", "periode"})
{'naam': 'x'}
>>> lz.tabel({"perode": "x"}, "ronde", {"naam", "periode"})
Traceback (most recent call last):
...
allocatie.kern.errors.ConfiguratieFout: bestand 'ronde.toml', kolom 'ronde.perode': onbekende \
sleutel in [ronde]; geldig zijn: naam, periode; bedoelde u `periode`?
"""

from __future__ import annotations

import contextlib
import math
import numbers
import os
import tomllib
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from allocatie.io.schema import bedoelde_u, weiger_beschermde_sleutels
from allocatie.kern.errors import ConfiguratieFout

__all__ = ["TomlLezer", "in_bestand", "lees_toml"]


def lees_toml(
    pad: str | os.PathLike[str], *, soort: str = "bestand"
) -> tuple[dict[str, Any], bytes]:
    """Read and parse a TOML file; refuse protected keys anywhere in it.

    Parameters
    ----------
    pad
        The file.
    soort
        What the file is, for the message of a missing file (``"rondebestand"``,
        ``"presetbestand"``, ``"planbestand"``).

    Returns
    -------
    tuple[dict, bytes]
        The parsed document and the file's bytes (for a checksum).

    Raises
    ------
    ConfiguratieFout
        Naming the file: missing or a folder, not UTF-8, invalid TOML, or a key
        that names a protected attribute (`allocatie.io.schema.weiger_beschermde_sleutels`).
    """
    bestand = Path(pad)
    if not bestand.is_file():
        raise ConfiguratieFout(f"{soort} bestaat niet; controleer het pad", bestand=bestand)
    inhoud = bestand.read_bytes()
    try:
        data = tomllib.loads(inhoud.decode("utf-8"))
    except UnicodeDecodeError as exc:
        regel = inhoud[: exc.start].count(b"\n") + 1
        raise ConfiguratieFout(
            f"geen geldige TOML: het bestand is geen UTF-8 (ongeldig teken op regel {regel})",
            bestand=bestand,
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfiguratieFout(f"geen geldige TOML: {exc}", bestand=bestand) from exc
    weiger_beschermde_sleutels(data, bestand)
    return data, inhoud


@contextlib.contextmanager
def in_bestand(pad: str | Path | None, voor: str = "") -> Iterator[None]:
    """Add the file (and a key prefix) to a `ConfiguratieFout` raised without a file.

    Examples
    --------
    >>> try:
    ...     with in_bestand("plan.toml", "solver."):
    ...         raise ConfiguratieFout("verwacht een getal", kolom="threads", waarde="x")
    ... except ConfiguratieFout as e:
    ...     print(e)
    bestand 'plan.toml', kolom 'solver.threads', waarde 'x': verwacht een getal
    """
    try:
        yield
    except ConfiguratieFout as exc:
        if exc.bestand is not None:
            raise
        kolom = f"{voor}{exc.kolom}" if exc.kolom else (voor.rstrip(".") or None)
        raise ConfiguratieFout(exc.bericht, bestand=pad, kolom=kolom, waarde=exc.waarde) from None


def _lijst(namen: Collection[str]) -> str:
    return ", ".join(sorted(namen))


def binnen_bereik(
    waarde: object, minimum: float = 0.0, maximum: float = math.inf, *, geheel: bool = False
) -> bool:
    """Whether ``waarde`` is a finite number in ``[minimum, maximum]`` (whole if ``geheel``).

    A bool is not a number here; numpy scalars are (the planning data holds them).

    >>> binnen_bereik(3, 1, 5, geheel=True), binnen_bereik(True), binnen_bereik(float("nan"))
    (True, False, False)
    """
    return (
        not isinstance(waarde, bool)
        and isinstance(waarde, numbers.Real)
        and math.isfinite(float(waarde))
        and minimum <= float(waarde) <= maximum
        and (not geheel or float(waarde).is_integer())
    )


class TomlLezer:
    """Typed, strict access to the values of one TOML file.

    Parameters
    ----------
    pad
        The file (named in every error); a name such as ``"<dict>"`` for a
        document that did not come from a file.
    """

    def __init__(self, pad: str | Path) -> None:
        self.pad: str | Path = pad

    def fout(self, bericht: str, sleutel: str | None, waarde: object = None) -> ConfiguratieFout:
        """A `ConfiguratieFout` naming this file, the dotted key and the value."""
        return ConfiguratieFout(bericht, bestand=self.pad, kolom=sleutel, waarde=waarde)

    def secties(
        self,
        data: Mapping[str, Any],
        geldig: Collection[str],
        *,
        lijsten: Collection[str] = (),
        waarden: Collection[str] = (),
    ) -> None:
        """Refuse an unknown top-level name; check that each section is a table.

        ``lijsten`` are written ``[[naam]]`` (a list of tables), ``waarden`` are
        plain top-level keys (``naam = "..."``), every other name a ``[sectie]``.
        """
        for naam, waarde in data.items():
            if naam not in geldig:
                soort = "sleutel" if waarden else "sectie"
                raise self.fout(
                    f"onbekende {soort}; geldig zijn: {_lijst(geldig)}" + bedoelde_u(naam, geldig),
                    naam,
                )
            if naam in waarden:
                continue
            if naam in lijsten:
                if not isinstance(waarde, list) or not all(isinstance(t, dict) for t in waarde):
                    raise self.fout(f"schrijf de tabellen als [[{naam}]] (een lijst)", naam)
            elif not isinstance(waarde, dict):
                raise self.fout(
                    f"verwacht een sectie [{naam}] met sleutels, geen losse waarde", naam, waarde
                )

    def tabel(
        self,
        waarde: object,
        sleutel: str,
        geldig: Collection[str] | None = None,
        *,
        soort: str = "sleutel",
    ) -> dict[str, Any]:
        """``waarde`` as a table whose keys all come from ``geldig`` (None: any key)."""
        if not isinstance(waarde, dict):
            raise self.fout(f"verwacht een tabel [{sleutel}] met sleutels", sleutel, waarde)
        for k in waarde:
            if geldig is not None and k not in geldig:
                raise self.fout(
                    f"onbekende {soort} in [{sleutel}]; geldig zijn: {_lijst(geldig)}"
                    + bedoelde_u(k, sorted(geldig)),
                    f"{sleutel}.{k}",
                )
        return waarde

    def verplicht(self, tabel: Mapping[str, Any], sleutel: str, pre: str = "") -> Any:
        """The value of a key that must be there (``pre``: the section it is in)."""
        if sleutel not in tabel:
            soort = "sleutel" if pre else "sectie"
            raise self.fout(f"verplichte {soort} ontbreekt", f"{pre}.{sleutel}" if pre else sleutel)
        return tabel[sleutel]

    def getal(
        self,
        waarde: object,
        sleutel: str,
        *,
        minimum: float = 0.0,
        maximum: float = math.inf,
        geheel: bool = False,
    ) -> float:
        """A finite number in ``[minimum, maximum]`` (whole if ``geheel``); never a bool."""
        if not binnen_bereik(waarde, minimum, maximum, geheel=geheel):
            soort = "een geheel getal" if geheel else "een getal"
            grens = (
                f"tussen {minimum:g} en {maximum:g}"
                if math.isfinite(maximum)
                else f">= {minimum:g}"
            )
            raise self.fout(f"verwacht {soort} {grens}", sleutel, waarde)
        return float(waarde)  # type: ignore[arg-type]

    def geheel(self, waarde: object, sleutel: str, *, minimum: int = 0) -> int:
        """A whole number >= ``minimum``."""
        return int(self.getal(waarde, sleutel, minimum=minimum, geheel=True))

    def tekst(self, waarde: object, sleutel: str) -> str:
        """A non-empty text, stripped."""
        if not isinstance(waarde, str) or not waarde.strip():
            raise self.fout("verwacht een niet-lege tekst", sleutel, waarde)
        return waarde.strip()

    def waar_onwaar(self, waarde: object, sleutel: str) -> bool:
        """``true`` or ``false``."""
        if not isinstance(waarde, bool):
            raise self.fout("verwacht true of false", sleutel, waarde)
        return waarde

    def namen(
        self, waarde: object, sleutel: str, geldig: Collection[str] | None = None
    ) -> tuple[str, ...]:
        """A non-empty list of distinct names, each from ``geldig`` if given."""
        if not isinstance(waarde, list) or not waarde:
            raise self.fout("verwacht een lijst met namen", sleutel, waarde)
        uit = tuple(self.tekst(w, sleutel) for w in waarde)
        for w in uit:
            if geldig is not None and w not in geldig:
                raise self.fout(f"onbekende naam; kies uit {', '.join(geldig)}", sleutel, w)
        if len(set(uit)) != len(uit):
            raise self.fout("elke naam mag één keer voorkomen", sleutel, list(uit))
        return uit

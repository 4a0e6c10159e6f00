"""Keep a solved result when its output cannot be written, and read it back.

A round or plan can take many minutes to solve. When writing its output
fails afterwards (a full disk, a file size limit, a writer's bug), the solved
result is saved as a *recovery folder* (`bewaar`): ``resultaat.pkl`` (the
pickled objects the writer needs), ``herstel.json`` (what, for which folder,
why, with the pickle's SHA-256) and ``LEESMIJ.txt`` (Dutch). The folder is
readable by its owner only (it holds household ids). ``allocatie schrijf
HERSTELMAP`` writes the output from it without solving again (`lees_herstel`).

The folder is put next to the output folder (``<naam>.herstel``); when that
fails too, in the current folder, the home folder or the temporary folder.

Only read recovery folders you made yourself: a pickle can run code when it
is loaded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allocatie.io.uitvoermap import leesbare_oorzaak
from allocatie.kern.errors import AllocatieFout, InvoerFout, SchrijfFout, VerificatieFout

__all__ = ["HERSTEL_INFO", "HERSTEL_PKL", "Herstel", "bewaar", "bewaar_bij_fout", "lees_herstel"]

logger = logging.getLogger(__name__)

#: The pickled objects in a recovery folder.
HERSTEL_PKL = "resultaat.pkl"
#: What a recovery folder holds, for which output folder, and why.
HERSTEL_INFO = "herstel.json"
_LEESMIJ = "LEESMIJ.txt"


@dataclass(frozen=True)
class Herstel:
    """A recovery folder read back by `lees_herstel`.

    Attributes
    ----------
    map
        The recovery folder.
    soort
        ``"ronde"`` or ``"plan"``: which writer the objects belong to.
    doel
        The output folder the run meant to write.
    overschrijf
        Whether that run was allowed to replace an existing folder.
    inhoud
        The objects the writer needs (for a round ``inst``, ``res``, ...).
    """

    map: Path
    soort: str
    doel: Path
    overschrijf: bool
    inhoud: dict[str, Any]


def _plekken(doel: Path) -> list[Path]:
    """Where a recovery folder may go, in order of preference."""
    kandidaten = [doel.parent]
    for maak in (Path.cwd, Path.home, lambda: Path(tempfile.gettempdir())):
        with contextlib.suppress(OSError, RuntimeError):
            kandidaten.append(maak())
    uniek: list[Path] = []
    for k in kandidaten:
        if k not in uniek:
            uniek.append(k)
    return uniek


def _nieuwe_map(plek: Path, naam: str) -> Path:
    for i in range(1, 1000):
        kandidaat = plek / (naam if i == 1 else f"{naam}-{i}")
        try:
            os.mkdir(kandidaat, 0o700)
        except FileExistsError:
            continue
        return kandidaat
    raise FileExistsError(f"geen vrije naam voor een herstelmap in {plek}")  # pragma: no cover


def _schrijf(
    map_: Path, soort: str, doel: Path, overschrijf: bool, data: bytes, reden: str
) -> None:
    def bestand(naam: str, inhoud: bytes) -> None:
        fd = os.open(map_ / naam, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(inhoud)
            f.flush()
            os.fsync(f.fileno())

    bestand(HERSTEL_PKL, data)
    info = {
        "programma": "allocatie",
        "soort": soort,
        "doel": str(doel),
        "overschrijf": overschrijf,
        "sha256": hashlib.sha256(data).hexdigest(),
        "reden": reden,
        "bewaard": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    bestand(HERSTEL_INFO, (json.dumps(info, ensure_ascii=False, indent=1) + "\n").encode())
    leesmij = (
        f"Deze map bewaart het opgeloste en gecontroleerde resultaat van een {soort}, omdat de "
        f"uitvoer niet naar '{doel}' kon worden geschreven ({reden}).\n\n"
        f"Schrijf de uitvoer zonder opnieuw te rekenen met:\n\n"
        f"    allocatie schrijf '{map_}'\n\n"
        "(met --uitvoer PAD naar een andere map). Daarna ruimt allocatie deze map op.\n"
        "De map bevat huishoudnummers en is alleen voor jou leesbaar.\n"
    )
    bestand(_LEESMIJ, leesmij.encode("utf-8"))


def bewaar(
    soort: str,
    inhoud: dict[str, Any],
    doel: Path,
    *,
    overschrijf: bool,
    reden: str,
    plekken: Callable[[Path], list[Path]] | None = None,
) -> Path | None:
    """Save the objects ``inhoud`` of a solved run as a recovery folder.

    Parameters
    ----------
    soort
        ``"ronde"`` or ``"plan"``.
    inhoud
        The (picklable) objects the writer needs.
    doel
        The output folder that could not be written.
    overschrijf
        Whether the run was allowed to replace an existing folder.
    reden
        Why writing failed (Dutch), for ``herstel.json`` and ``LEESMIJ.txt``.
    plekken
        Where to try, in order (by default next to ``doel``, then the current
        folder, the home folder and the temporary folder).

    Returns
    -------
    Path or None
        The recovery folder, or None when it could be written nowhere.
    """
    try:
        data = pickle.dumps({"soort": soort, **inhoud}, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        logger.exception("resultaat niet te bewaren (pickle)")
        return None
    naam = f"{doel.name}.herstel"
    for plek in (plekken or _plekken)(doel):
        map_: Path | None = None
        try:
            map_ = _nieuwe_map(plek, naam if plek == doel.parent else f"allocatie-{naam}")
            _schrijf(map_, soort, doel, overschrijf, data, reden)
        except OSError as exc:
            logger.warning("herstelmap niet te schrijven in %s: %s", plek, exc)
            if map_ is not None:
                shutil.rmtree(map_, ignore_errors=True)
            continue
        return map_
    return None


def lees_herstel(pad: str | os.PathLike[str]) -> Herstel:
    """Read a recovery folder written by `bewaar`.

    Raises
    ------
    InvoerFout
        When ``pad`` is no recovery folder, or its ``resultaat.pkl`` is damaged
        or changed (SHA-256), or was written by an incompatible version.
    """
    map_ = Path(pad)
    info_pad = map_ / HERSTEL_INFO
    try:
        info = json.loads(info_pad.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InvoerFout(
            f"dit is geen herstelmap van allocatie (geen leesbaar {HERSTEL_INFO}); geef de map "
            "die in de foutmelding van de afgebroken run stond",
            bestand=map_,
        ) from None
    if not isinstance(info, dict) or info.get("programma") != "allocatie":
        raise InvoerFout(f"{HERSTEL_INFO} is niet van allocatie", bestand=info_pad)
    try:
        data = (map_ / HERSTEL_PKL).read_bytes()
    except OSError as exc:
        raise InvoerFout(f"kan {HERSTEL_PKL} niet lezen: {exc}", bestand=map_) from None
    if hashlib.sha256(data).hexdigest() != info.get("sha256"):
        raise InvoerFout(
            f"{HERSTEL_PKL} is beschadigd of gewijzigd (de SHA-256 klopt niet met "
            f"{HERSTEL_INFO}); het resultaat is niet te gebruiken",
            bestand=map_,
        )
    try:
        inhoud = pickle.loads(data)
    except Exception as exc:
        raise InvoerFout(
            f"{HERSTEL_PKL} is niet te lezen met deze versie van allocatie ({exc})", bestand=map_
        ) from None
    soort = str(inhoud.pop("soort", info.get("soort")))
    return Herstel(
        map=map_,
        soort=soort,
        doel=Path(str(info.get("doel"))),
        overschrijf=bool(info.get("overschrijf")),
        inhoud=inhoud,
    )


@contextlib.contextmanager
def bewaar_bij_fout(
    soort: str,
    inhoud: dict[str, Any],
    doel: str | os.PathLike[str],
    *,
    overschrijf: bool,
) -> Iterator[None]:
    """Keep a solved result when the block (writing its output) fails.

    Any error in the block (not an interruption: Ctrl-C, SIGTERM) saves
    ``inhoud`` with `bewaar` and raises `SchrijfFout` naming the recovery
    folder and the command that writes the output from it. A
    `VerificatieFout` passes unchanged (a rejected result is not kept).

    Parameters
    ----------
    soort, inhoud, overschrijf
        See `bewaar`.
    doel
        The output folder the block writes (for the message).

    Raises
    ------
    SchrijfFout
        When the block raised; chained to the original error.
    """
    try:
        yield
    except VerificatieFout:
        raise
    except Exception as exc:
        gevraagd = Path(doel)
        reden = str(exc) if isinstance(exc, AllocatieFout) else leesbare_oorzaak(exc)
        map_ = bewaar(soort, inhoud, gevraagd.absolute(), overschrijf=overschrijf, reden=reden)
        kop = f"de uitvoer kon niet worden geschreven naar '{gevraagd}' ({reden})."
        if map_ is None:
            raise SchrijfFout(
                f"{kop} Ook het opgeloste resultaat kon nergens worden bewaard (zie de "
                "meldingen hierboven); maak ruimte of rechten vrij en draai de run opnieuw",
                doel=gevraagd,
                herstel=None,
            ) from exc
        raise SchrijfFout(
            f"{kop} Het opgeloste resultaat is bewaard in '{map_}'. Schrijf de uitvoer zonder "
            f"opnieuw te rekenen met: allocatie schrijf '{map_}' (met --uitvoer PAD naar een "
            "andere map)",
            doel=gevraagd,
            herstel=map_,
        ) from exc

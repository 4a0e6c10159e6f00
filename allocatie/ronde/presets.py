"""Model presets: declarative TOML files in ``models/`` that a regisseur picks by name.

A preset says which hard criteria hold, the distance limits, the order of the
lexicographic objective levels with their tolerance, and the cost weights.
Loading is strict: a missing or unknown key is a `ConfiguratieFout`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from allocatie.io.schema import bedoelde_u, onbekend_bericht, weiger_beschermde_sleutels
from allocatie.io.tomllezer import TomlLezer, lees_toml
from allocatie.kern.errors import ConfiguratieFout
from allocatie.kern.meegeleverd import modellen_map

#: The objective levels of every preset, in the default order.
DOELNIVEAUS: tuple[str, ...] = (
    "onbediend",
    "stabiliteit",
    "tekort",
    "eerlijkheid",
    "overvulling",
    "kosten",
)
#: Every level the model knows: also ``ruil`` (persons of the taakstelling handed to
#: another gemeente), only in a preset with ``[ruil] toegestaan = true``.
ALLE_DOELNIVEAUS: tuple[str, ...] = (*DOELNIVEAUS[:3], "ruil", *DOELNIVEAUS[3:])

#: Modes of travel a travel-time limit is measured in.
VERVOERSWIJZEN: tuple[str, ...] = ("ov", "auto")

#: Sub-tables of [limieten] with limits for a group of households: by mode, by type.
AFWIJKENDE_GROEPEN: tuple[str, ...] = (*VERVOERSWIJZEN, "alleenstaand", "gezin")
#: Limits a sub-table of [limieten] may set.
AFWIJKENDE_LIMIETEN: tuple[str, ...] = ("werk_min", "studie_min", "familie_min", "zorg_min")

#: Region types within which gemeenten may swap taakstelling (Huisvestingswet art. 29(2)).
RUILREGIOS: tuple[str, ...] = ("arbeidsmarktregio", "provincie", "coa_regio")

#: Folder of the shipped presets (the project's top-level ``models/``, inside the
#: installed package as ``allocatie/_modellen/``).
MODELS_MAP = modellen_map()


@dataclass(frozen=True)
class Criteria:
    """Which hard criteria are enforced (pairs violating them are never created)."""

    werk: bool
    studie: bool
    familie: bool
    zorg: bool
    beschikbaarheid: bool
    #: Stay in the COA-regio of the azc (hard rule); optional in a preset file, default off.
    coa_regio: bool = False


@dataclass(frozen=True)
class Limieten:
    """Travel-time limits in minutes (by the household's own mode) and the norm in weeks.

    A home in the anchor gemeente itself always meets the limit; ``0`` therefore
    means "in that gemeente".
    """

    werk_min: float
    studie_min: float
    familie_min: float
    zorg_min: float
    termijn_weken: int
    afwijkend: tuple[tuple[str, str, float], ...] = ()
    """Overrides ``(groep, limiet, minuten)`` from sub-tables such as ``[limieten.auto]``
    or ``[limieten.gezin]`` (`AFWIJKENDE_GROEPEN`)."""

    def minuten(self, limiet: str, vervoer: Any, personen: Any) -> np.ndarray:
        """The limit ``limiet`` (e.g. ``"werk_min"``) per household, vectorised.

        ``vervoer`` and ``personen`` are arrays (or scalars) of the households'
        mode and size. A mode table (``[limieten.auto]``) or a household-type
        table (``[limieten.alleenstaand]``: one person, ``[limieten.gezin]``:
        more) replaces the base value; when both give the limit, the stricter
        (smaller) one holds.
        """
        vervoer = np.asarray(vervoer, dtype=object)
        personen = np.asarray(personen)
        uit = np.full(np.broadcast(vervoer, personen).shape, float(getattr(self, limiet)))
        modus = np.full(uit.shape, np.nan)
        soort = np.full(uit.shape, np.nan)
        for groep, naam, waarde in self.afwijkend:
            if naam != limiet:
                continue
            if groep in VERVOERSWIJZEN:
                modus = np.where(vervoer == groep, waarde, modus)
            else:
                is_groep = (personen == 1) if groep == "alleenstaand" else (personen > 1)
                soort = np.where(is_groep, waarde, soort)
        beide = np.fmin(modus, soort)  # nan only where neither applies
        return np.where(np.isnan(beide), uit, beide)

    def minuten_voor(self, limiet: str, vervoer: str, personen: int) -> float:
        """`minuten` for one household."""
        return float(self.minuten(limiet, vervoer, personen))


@dataclass(frozen=True)
class Reistijd:
    """How travel times are taken: the mode of a household without a ``vervoer`` value."""

    standaard_vervoer: str


@dataclass(frozen=True)
class Doel:
    """Lexicographic objective: level order and how tightly a solved level is held."""

    volgorde: tuple[str, ...]
    tolerantie_relatief: float
    tolerantie_absoluut: float


@dataclass(frozen=True)
class Kosten:
    """Cost weights of the ``kosten`` level, per household."""

    per_minuut_werk: float
    per_minuut_studie: float
    buiten_coa_regio_per_persoon: float
    flex_per_persoon: float


@dataclass(frozen=True)
class Ruil:
    """Taakstelling swaps between gemeenten of one region (Huisvestingswet art. 29(2)).

    When ``toegestaan``, a gemeente may hand up to ``max_aandeel`` of its
    taakstelling to other gemeenten of the same region (``regio``: one of
    `RUILREGIOS`), and take over at most ``max_ontvangen`` of its own
    taakstelling; each region's total stays the same. The section is optional
    in a preset file: absent means no swaps.
    """

    toegestaan: bool = False
    regio: str = "arbeidsmarktregio"
    max_aandeel: float = 0.5
    max_ontvangen: float = 0.5


@dataclass(frozen=True)
class ModelPreset:
    """A validated model preset."""

    naam: str
    beschrijving: str
    criteria: Criteria
    limieten: Limieten
    reistijd: Reistijd
    doel: Doel
    kosten: Kosten
    bron: str = "<standaard>"
    ruil: Ruil = Ruil()

    def met(self, wijzigingen: Mapping[str, Any] | None = None, /, **sleutels: Any) -> ModelPreset:
        """A copy with some parameters changed, validated like a preset file.

        Keys are the preset file's, dotted (``{"kosten.per_minuut_werk": 1.5}``)
        or as keywords with ``__`` for the dot (``kosten__per_minuut_werk=1.5``);
        see `wijzig_preset`. An unknown key or a
        value a preset file may not hold is a Dutch `ConfiguratieFout`.

        Examples
        --------
        >>> p = laad_preset("standaard").met(kosten__per_minuut_werk=1.5)
        >>> p.kosten.per_minuut_werk
        1.5
        >>> laad_preset("standaard").met({"limieten.werk_min": 45}).limieten.werk_min
        45.0
        """
        return wijzig_preset(self, wijzigingen, **sleutels)


_SECTIES: dict[str, type] = {
    "criteria": Criteria,
    "limieten": Limieten,
    "reistijd": Reistijd,
    "doel": Doel,
    "kosten": Kosten,
}


def _sectie(data: dict[str, Any], naam: str, cls: type, bron: str) -> Any:
    lz = TomlLezer(bron)
    if naam not in data:
        raise lz.fout(f"sectie [{naam}] ontbreekt", naam)
    velden = {f.name: f for f in fields(cls)}
    waarden = dict(lz.tabel(data[naam], naam, velden))
    # A key with a default value (added after presets were first copied) may be omitted.
    ontbrekend = [
        v for v, f in velden.items() if v not in waarden and f.default is dataclasses.MISSING
    ]
    if ontbrekend:
        raise ConfiguratieFout(
            f"sleutel ontbreekt in [{naam}]", bestand=bron, kolom=f"{naam}.{ontbrekend[0]}"
        )
    for veld, spec in velden.items():
        if veld not in waarden:
            continue
        waarde = waarden[veld]
        soort = spec.type
        sleutel = f"{naam}.{veld}"
        if soort == "str" and cls is Ruil:
            if waarde not in RUILREGIOS:
                raise ConfiguratieFout(
                    f"verwacht een regiosoort: {', '.join(RUILREGIOS)}",
                    bestand=bron,
                    kolom=sleutel,
                    waarde=waarde,
                )
        elif soort == "str":
            if waarde not in VERVOERSWIJZEN:
                raise ConfiguratieFout(
                    f"verwacht een vervoerswijze: {' of '.join(VERVOERSWIJZEN)}",
                    bestand=bron,
                    kolom=sleutel,
                    waarde=waarde,
                )
        elif soort == "bool":
            lz.waar_onwaar(waarde, sleutel)
        elif soort in ("float", "int"):
            if isinstance(waarde, bool) or not isinstance(waarde, int | float):
                raise ConfiguratieFout(
                    "verwacht een getal", bestand=bron, kolom=sleutel, waarde=waarde
                )
            if not math.isfinite(waarde):  # TOML allows nan and inf; nan passes "< 0"
                raise ConfiguratieFout(
                    "verwacht een eindig getal", bestand=bron, kolom=sleutel, waarde=waarde
                )
            if waarde < 0:
                raise ConfiguratieFout(
                    "mag niet negatief zijn", bestand=bron, kolom=sleutel, waarde=waarde
                )
            if cls is Ruil and waarde > 1:
                raise ConfiguratieFout(
                    "verwacht een aandeel tussen 0 en 1", bestand=bron, kolom=sleutel, waarde=waarde
                )
            if soort == "int" and int(waarde) != waarde:
                raise ConfiguratieFout(
                    "verwacht een geheel getal", bestand=bron, kolom=sleutel, waarde=waarde
                )
            waarden[veld] = int(waarde) if soort == "int" else float(waarde)
    return cls(**waarden)


def _afwijkende_limieten(
    data: dict[str, Any], bron: str
) -> tuple[dict[str, Any], tuple[tuple[str, str, float], ...]]:
    """Take the sub-tables (``[limieten.auto]``, ``[limieten.gezin]``, ...) out of [limieten].

    Returns the data without them and the overrides ``(groep, limiet, minuten)``.
    """
    limieten = data.get("limieten")
    if not isinstance(limieten, dict):
        return data, ()
    afwijkend: list[tuple[str, str, float]] = []
    basis = {}
    for sleutel, waarde in limieten.items():
        if sleutel == "afwijkend":  # filled from the sub-tables, never given directly
            raise ConfiguratieFout(
                "onbekende sleutel in [limieten]; afwijkende limieten staan in een subtabel "
                "zoals [limieten.auto] of [limieten.gezin]",
                bestand=bron,
                kolom="limieten.afwijkend",
            )
        if not isinstance(waarde, dict):
            basis[sleutel] = waarde
            continue
        if sleutel not in AFWIJKENDE_GROEPEN:
            raise ConfiguratieFout(
                f"onbekende groep [limieten.{sleutel}]; geldig zijn: "
                f"{', '.join(AFWIJKENDE_GROEPEN)}" + bedoelde_u(sleutel, AFWIJKENDE_GROEPEN),
                bestand=bron,
                kolom=f"limieten.{sleutel}",
            )
        for limiet, minuten in waarde.items():
            kolom = f"limieten.{sleutel}.{limiet}"
            if limiet not in AFWIJKENDE_LIMIETEN:
                raise ConfiguratieFout(
                    f"onbekende sleutel; geldig zijn: {', '.join(AFWIJKENDE_LIMIETEN)}"
                    + bedoelde_u(limiet, AFWIJKENDE_LIMIETEN),
                    bestand=bron,
                    kolom=kolom,
                )
            if (
                isinstance(minuten, bool)
                or not isinstance(minuten, int | float)
                or not math.isfinite(minuten)
                or minuten < 0
            ):
                raise ConfiguratieFout(
                    "verwacht een eindig getal >= 0 (minuten)",
                    bestand=bron,
                    kolom=kolom,
                    waarde=minuten,
                )
            afwijkend.append((sleutel, limiet, float(minuten)))
    return {**data, "limieten": basis}, tuple(afwijkend)


def preset_uit_dict(data: dict[str, Any], bron: str = "<dict>") -> ModelPreset:
    """Validate a parsed preset and build a `ModelPreset`.

    Examples
    --------
    >>> p = laad_preset("standaard")
    >>> p.doel.volgorde[0]
    'onbediend'
    """
    weiger_beschermde_sleutels(data, bron)
    TomlLezer(bron).secties(
        data, {"naam", "beschrijving", "ruil", *_SECTIES}, waarden=("naam", "beschrijving")
    )
    naam = data.get("naam")
    if not isinstance(naam, str) or not naam:
        raise ConfiguratieFout("'naam' ontbreekt of is leeg", bestand=bron, kolom="naam")
    data, afwijkend = _afwijkende_limieten(data, bron)
    secties = {s: _sectie(data, s, cls, bron) for s, cls in _SECTIES.items()}
    secties["limieten"] = dataclasses.replace(secties["limieten"], afwijkend=afwijkend)
    doel: Doel = secties["doel"]
    volgorde = doel.volgorde
    if not isinstance(volgorde, list | tuple) or not all(isinstance(v, str) for v in volgorde):
        raise ConfiguratieFout(
            "verwacht een lijst met namen", bestand=bron, kolom="doel.volgorde", waarde=volgorde
        )
    fout = [v for v in volgorde if v not in ALLE_DOELNIVEAUS]
    if fout or len(set(volgorde)) != len(volgorde) or not volgorde:
        raise ConfiguratieFout(
            f"ongeldige of dubbele doelniveaus; kies uit {', '.join(DOELNIVEAUS)} "
            "(en 'ruil' met [ruil] toegestaan = true)",
            bestand=bron,
            kolom="doel.volgorde",
            waarde=list(volgorde),
        )
    secties["doel"] = Doel(tuple(volgorde), doel.tolerantie_relatief, doel.tolerantie_absoluut)
    # [ruil] came after presets were first copied: an absent section means no swaps.
    ruil: Ruil = _sectie(data, "ruil", Ruil, bron) if "ruil" in data else Ruil()
    if ruil.toegestaan != ("ruil" in volgorde):
        raise ConfiguratieFout(
            "met [ruil] toegestaan = true hoort het doelniveau 'ruil' in de volgorde "
            "(zo min mogelijk geruild, direct na 'tekort'), en zonder ruil niet",
            bestand=bron,
            kolom="doel.volgorde",
            waarde=list(volgorde),
        )
    return ModelPreset(
        naam=naam,
        beschrijving=str(data.get("beschrijving", "")).strip(),
        bron=bron,
        ruil=ruil,
        **secties,
    )


def laad_preset(naam_of_pad: str | Path, basis: Path | None = None) -> ModelPreset:
    """Load a preset by name (from ``models/``) or by path.

    Parameters
    ----------
    naam_of_pad
        ``"standaard"``, ``"werk-eerst"``, ... or a path to a ``.toml`` file.
    basis
        Folder that a relative path is resolved against (the round folder).
    """
    tekst = str(naam_of_pad)
    if tekst.endswith(".toml"):
        pad = Path(tekst)
        if not pad.is_absolute() and basis is not None:
            pad = basis / pad
    else:
        pad = MODELS_MAP / f"{tekst}.toml"
        if not pad.exists():
            bekend = ", ".join(sorted(p.stem for p in MODELS_MAP.glob("*.toml")))
            raise ConfiguratieFout(
                f"onbekende modelpreset; beschikbaar: {bekend}", kolom="model", waarde=tekst
            )
    data, _ = lees_toml(pad, soort="presetbestand")
    return preset_uit_dict(data, bron=str(pad))


def beschikbare_presets() -> list[str]:
    """Names of the presets shipped in ``models/``."""
    return sorted(p.stem for p in MODELS_MAP.glob("*.toml"))


# --------------------------------------------------------------------------- changes in Python
# `ModelPreset.met`: a preset is a tree of frozen dataclasses; changing one weight by hand
# needs a nested `dataclasses.replace`. `wijzig_preset` takes the changes as dotted keys
# (``"kosten.per_minuut_werk"``, the preset file's ``[kosten] per_minuut_werk``) or as
# keyword arguments with ``__`` for the dot (``kosten__per_minuut_werk``), writes them into
# the preset's TOML-shaped data (`preset_als_dict`) and validates the result exactly as a
# preset file is validated (`preset_uit_dict`): an unknown key, a wrong type or a negative
# weight is the same Dutch `ConfiguratieFout` a preset file gives.

#: Appended to the name of a changed preset, so that reports do not pass it off as the file.
GEWIJZIGD = " (gewijzigd)"
#: The name of the changes in error messages: they come from Python, not from a file.
BRON = "<ModelPreset.met>"


def preset_als_dict(preset: ModelPreset) -> dict[str, Any]:
    """The preset as the data of its TOML file (sections as dicts, overrides as sub-tables).

    ``preset_uit_dict(preset_als_dict(p), p.bron)`` gives ``p`` back.

    Examples
    --------
    >>> d = preset_als_dict(laad_preset("standaard"))
    >>> d["kosten"]["per_minuut_werk"], d["doel"]["volgorde"][0]
    (0.5, 'onbediend')
    """
    data: dict[str, Any] = {"naam": preset.naam, "beschrijving": preset.beschrijving}
    for sectie in ("criteria", "limieten", "reistijd", "doel", "kosten", "ruil"):
        waarden = dataclasses.asdict(getattr(preset, sectie))
        if sectie == "limieten":
            for groep, limiet, minuten in waarden.pop("afwijkend"):
                waarden.setdefault(groep, {})[limiet] = minuten
        if sectie == "doel":
            waarden["volgorde"] = list(waarden["volgorde"])
        data[sectie] = waarden
    return data


def sleutels(preset: ModelPreset) -> list[str]:
    """Every key `wijzig_preset` takes for ``preset``, dotted (``kosten.per_minuut_werk``).

    Examples
    --------
    >>> [s for s in sleutels(laad_preset("standaard")) if s.startswith("kosten.")][:2]
    ['kosten.per_minuut_werk', 'kosten.per_minuut_studie']
    """
    uit = ["naam", "beschrijving"]
    for sectie, waarden in preset_als_dict(preset).items():
        if isinstance(waarden, dict):
            uit += [f"{sectie}.{k}" for k, v in waarden.items() if not isinstance(v, dict)]
    return uit


def _zet(data: dict[str, Any], sleutel: str, waarde: Any, bekend: list[str]) -> None:
    """Put ``waarde`` at the dotted ``sleutel`` of the preset data; unknown keys are errors."""

    delen = sleutel.split(".")
    if len(delen) == 3 and delen[0] == "limieten":
        # An override for a group, as in [limieten.auto]: werk_min = 45.
        _, groep, limiet = delen
        if groep not in AFWIJKENDE_GROEPEN or limiet not in AFWIJKENDE_LIMIETEN:
            raise ConfiguratieFout(
                "onbekende afwijkende limiet; geldig is limieten.<groep>.<limiet> met groep "
                f"{', '.join(AFWIJKENDE_GROEPEN)} en limiet {', '.join(AFWIJKENDE_LIMIETEN)}",
                bestand=BRON,
                kolom=sleutel,
            )
        data["limieten"].setdefault(groep, {})[limiet] = waarde
        return
    if sleutel not in bekend:
        raise ConfiguratieFout(
            onbekend_bericht(
                sleutel, [*bekend, "limieten.<groep>.<limiet>"], "de modelpreset", "parameter"
            ),
            bestand=BRON,
            kolom=sleutel,
        )
    if len(delen) == 1:
        data[sleutel] = waarde
    else:
        data[delen[0]][delen[1]] = waarde


def wijzig_preset(
    preset: ModelPreset, wijzigingen: Mapping[str, Any] | None = None, **sleutelwoorden: Any
) -> ModelPreset:
    """A copy of ``preset`` with some parameters changed, validated like a preset file.

    Parameters
    ----------
    preset
        The preset to start from (it is not changed).
    wijzigingen
        Dotted keys as in the preset file: ``{"kosten.per_minuut_werk": 1.5,
        "limieten.auto.werk_min": 45, "doel.volgorde": [...]}``.
    **sleutelwoorden
        The same with ``__`` for the dot: ``kosten__per_minuut_werk=1.5``.

    Returns
    -------
    ModelPreset
        The changed preset. Its ``naam`` gets `GEWIJZIGD` appended (unless
        ``naam`` itself is changed) and its ``bron`` names the changes, so a
        report never passes it off as the unchanged file.

    Raises
    ------
    ConfiguratieFout
        For an unknown key (with a suggestion when one is near), a key given
        twice, or a value a preset file may not hold (wrong type, negative,
        ``ruil.toegestaan`` without the level ``ruil`` in ``doel.volgorde``).

    Examples
    --------
    >>> p = wijzig_preset(laad_preset("standaard"), kosten__per_minuut_werk=1.5)
    >>> p.kosten.per_minuut_werk, p.naam
    (1.5, 'standaard (gewijzigd)')
    >>> wijzig_preset(laad_preset("standaard"), {"kosten.per_minuut_werkk": 1})
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    allocatie.kern.errors.ConfiguratieFout: ...bedoelde u `kosten.per_minuut_werk`? Geldig zijn: ...
    """

    alle: dict[str, Any] = dict(wijzigingen or {})
    for naam, waarde in sleutelwoorden.items():
        sleutel = naam.replace("__", ".")
        if sleutel in alle:
            raise ConfiguratieFout("parameter twee keer gegeven", bestand=BRON, kolom=sleutel)
        alle[sleutel] = waarde
    if not alle:
        return preset
    data = preset_als_dict(preset)
    bekend = sleutels(preset)
    for sleutel, waarde in alle.items():
        if not isinstance(sleutel, str):
            raise ConfiguratieFout(
                "een parameter is een tekst zoals 'kosten.per_minuut_werk'",
                bestand=BRON,
                waarde=sleutel,
            )
        _zet(data, sleutel, waarde, bekend)
    if "naam" not in alle and not str(data["naam"]).endswith(GEWIJZIGD):
        data["naam"] = f"{data['naam']}{GEWIJZIGD}"
    if isinstance(data.get("doel", {}).get("volgorde"), tuple):
        data["doel"]["volgorde"] = list(data["doel"]["volgorde"])
    wijziging = ", ".join(f"{k}={v!r}" for k, v in alle.items())
    try:
        return preset_uit_dict(data, bron=f"{preset.bron} + {wijziging}")
    except ConfiguratieFout as exc:
        # Name the changes as the source, not a file that holds none of them.
        raise ConfiguratieFout(
            exc.bericht, bestand=BRON, kolom=exc.kolom, waarde=exc.waarde
        ) from None

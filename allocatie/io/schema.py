"""The schema of every input table in one place, and the checks on names every reader runs.

`TABELSCHEMA` lists, per table, the columns a reader knows (required and
optional) and the columns the project itself writes next to them (so that every
file `allocatie` writes can be read back). `controleer_kolommen` is the one
check every table reader calls before it parses a cell: a protected attribute
(`beschermd_kenmerk`) or an unknown column is an `InvoerFout` naming the file
and the column, with a suggestion for a near miss (``max_aandeel_vg`` ->
``max_aandeel_vh``) or a difference in capitals. The user documentation is
``data/SCHEMA.md`` ("Strikte invoer").

The rule for deliberate extra columns: a column named ``opmerking`` or
``notitie``, or starting with ``opmerking_`` or ``notitie_``, is a note for
people and is never read (`VRIJE_KOLOMMEN`), except in ``huishoudens``
(personal data: only the schema's columns, data minimisation).

`weiger_beschermde_sleutels` applies the protected-attribute rule to the keys
of a TOML file (``ronde.toml``, a model preset, ``plan.toml``).

Examples
--------
>>> import pandas as pd
>>> controleer_kolommen(pd.DataFrame(columns=["aanbod_id", "max_aandeel_vg"]),
...                     "flexlocaties", "flexlocaties.csv")
Traceback (most recent call last):
...
allocatie.kern.errors.InvoerFout: bestand 'flexlocaties.csv', rij 1, kolom 'max_aandeel_vg': \
onbekende kolom `max_aandeel_vg` in flexlocaties.csv; bedoelde u `max_aandeel_vh`? ...
>>> beschermd_kenmerk("voorkeurNationaliteit"), beschermd_kenmerk("geboorte_land")
('nationaliteit', 'geboorteland')
>>> beschermd_kenmerk("gemeente_code") is None
True
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import pandas as pd

from allocatie.kern.errors import ConfiguratieFout, InvoerFout

__all__ = [
    "BESCHERMDE_STAMMEN",
    "HUISHOUDEN_KOLOMMEN",
    "TABELSCHEMA",
    "VRIJE_KOLOMMEN",
    "Tabelschema",
    "bedoelde_u",
    "beschermd_kenmerk",
    "controleer_kolommen",
    "suggestie",
    "weiger_beschermde_kenmerken",
    "weiger_beschermde_sleutels",
]


@dataclass(frozen=True)
class Tabelschema:
    """The columns of one input table.

    Attributes
    ----------
    verplicht, optioneel
        The columns a reader takes (see ``data/SCHEMA.md``).
    ook
        Columns accepted and not read: written by allocatie itself next to the
        schema's columns (e.g. the archive layer ``invoer_gemeenten`` that holds
        the gemeenten and their taakstelling), so that its own files read back.
    voorvoegsels
        Name prefixes accepted and not read, for columns allocatie writes per
        cost part or travel-time kind (``kosten_werk``, ``reistijd_werk_min``).
    vrij
        Whether the free note columns (`VRIJE_KOLOMMEN`) are allowed.
    """

    verplicht: tuple[str, ...]
    optioneel: tuple[str, ...] = ()
    ook: tuple[str, ...] = ()
    voorvoegsels: tuple[str, ...] = ()
    vrij: bool = True

    @property
    def kolommen(self) -> tuple[str, ...]:
        """The columns a reader takes: required first."""
        return (*self.verplicht, *self.optioneel)

    def bekend(self, kolom: str) -> bool:
        """Whether ``kolom`` is a known column of this table (or an accepted extra)."""
        return (
            kolom in self.kolommen
            or kolom in self.ook
            or any(kolom.startswith(v) for v in self.voorvoegsels)
            or (self.vrij and is_vrije_kolom(kolom))
        )


#: Free note columns: exactly these names, or these names followed by ``_``.
VRIJE_KOLOMMEN: tuple[str, ...] = ("opmerking", "notitie")

#: The columns of ``huishoudens`` in the order allocatie writes them (archive, workbook).
HUISHOUDEN_KOLOMMEN: tuple[str, ...] = (
    "huishouden_id",
    "personen",
    "nareizigers",
    "azc_gemeente",
    "gereed_datum",
    "werk_gemeente",
    "studie_gemeente",
    "familie_gemeente",
    "zorg_gemeente",
    "vervoer",
)
_HH_VERPLICHT = ("huishouden_id", "personen", "azc_gemeente", "gereed_datum")
_GEMEENTE = ("gemeente_code", "gemeente_naam", "provincie_code", "arbeidsmarktregio_code")
_GEMEENTE_REST = ("coa_regio", "inwoners")
_TAAK = ("gemeente_code", "taakstelling")
_OVERLOOP = ("achterstand", "voorsprong", "gerealiseerd")
_PUNT = ("x", "y")
#: Optional names beside the region codes of the gemeenten table (written by ``allocatie
#: basis``, `allocatie.spatial.lidmaatschap`); the round keeps them for the reports.
REGIONAAMKOLOMMEN = ("provincie_naam", "arbeidsmarktregio_naam")
#: Written by ``allocatie basis`` next to the gemeenten columns.
_BASIS = (*REGIONAAMKOLOMMEN, "overlap_provincie", "overlap_arbeidsmarktregio")

TABELSCHEMA: dict[str, Tabelschema] = {
    # The archive layer invoer_gemeenten holds gemeenten and taakstelling together, and a
    # round may point both tables at it (data/SCHEMA.md, "Rondearchief als invoer").
    "gemeenten": Tabelschema(
        (*_GEMEENTE, *_GEMEENTE_REST), _PUNT, ook=("taakstelling", *_OVERLOOP, *_BASIS)
    ),
    "taakstelling": Tabelschema(
        _TAAK, _OVERLOOP, ook=(*_GEMEENTE[1:], *_GEMEENTE_REST, *_PUNT, *_BASIS)
    ),
    "huishoudens": Tabelschema(
        _HH_VERPLICHT,
        tuple(k for k in HUISHOUDEN_KOLOMMEN if k not in _HH_VERPLICHT),
        vrij=False,
    ),
    "woningaanbod": Tabelschema(
        (
            "aanbod_id",
            "gemeente_code",
            "min_personen",
            "max_personen",
            "woningen",
            "beschikbaar_vanaf",
        ),
        ("max_per_woning",),
    ),
    "flexlocaties": Tabelschema(
        (
            "aanbod_id",
            "gemeente_code",
            "eenheden",
            "capaciteit_personen",
            "max_personen",
            "beschikbaar_vanaf",
        ),
        (
            "naam",
            *_PUNT,
            "max_aandeel_vh",
            "min_personen",
            "max_per_eenheid",
            "beschikbaar_tot",
        ),
    ),
    "regiocapaciteit": Tabelschema(("regio_soort", "regio_code", "max_personen")),
    "reistijden": Tabelschema(("van", "naar", "minuten"), ("modus",)),
    "vastleggingen": Tabelschema(
        ("huishouden_id", "soort"), ("aanbod_id", "gemeente_code", "toelichting")
    ),
    # --vorige-uitkomst: plaatsingen.csv / resultaat_plaatsingen as allocatie writes them.
    "plaatsingen": Tabelschema(
        ("huishouden_id", "aanbod_id"),
        ("gemeente_code",),
        ook=("personen", "nareizigers", "soort", "azc_gemeente", "kosten"),
        voorvoegsels=("kosten_", "reistijd_"),
    ),
    "onbediend": Tabelschema(
        ("huishouden_id",), ook=("personen", "ruimte", "passende_opties", "reden")
    ),
    # allocatie taakstelling: the CBS population table and the previous period.
    "inwoners": Tabelschema(
        ("gemeente_code", "gemeente_naam", "inwoners"),
        ook=(*_GEMEENTE[2:], "coa_regio", *_PUNT, *_BASIS),
    ),
}
"""Table name -> its columns; the one place a reader learns which columns exist."""


def is_vrije_kolom(kolom: str) -> bool:
    """Whether ``kolom`` is a free note column (``opmerking``, ``notitie_bron``, ...)."""
    return any(kolom == v or kolom.startswith(f"{v}_") for v in VRIJE_KOLOMMEN)


# --------------------------------------------------------------------------- suggestions


def _normaal(naam: str) -> str:
    return re.sub(r"[\s\-.]+", "_", naam.strip().lower())


def suggestie(naam: str, bekend: Iterable[str]) -> str | None:
    """The known name ``naam`` most likely means: same letters in other case, or a near miss.

    Examples
    --------
    >>> suggestie("Gerealiseerd", ["gerealiseerd", "achterstand"])
    'gerealiseerd'
    >>> suggestie("achterstnd", ["gerealiseerd", "achterstand"])
    'achterstand'
    >>> suggestie("postcode", ["gerealiseerd", "achterstand"]) is None
    True
    """
    namen = list(dict.fromkeys(bekend))
    n = _normaal(naam)
    for b in namen:
        if _normaal(b) == n:
            return b
    treffers = difflib.get_close_matches(n, namen, n=1, cutoff=0.75)
    return treffers[0] if treffers else None


def _bestandsnaam(bron: str) -> str:
    """The file's name (``flexlocaties.csv``), or the table name for a DataFrame."""
    return PurePath(bron).name or bron


def bedoelde_u(naam: str, bekend: Iterable[str]) -> str:
    """``"; bedoelde u `x`?"`` for a near miss of a known name (`suggestie`), else ``""``.

    Examples
    --------
    >>> bedoelde_u("Periode", ["naam", "periode"])
    '; bedoelde u `periode`? (hoofdletters tellen mee)'
    """
    beter = suggestie(naam, bekend)
    if beter is None:
        return ""
    hint = " (hoofdletters tellen mee)" if beter.lower() == naam.strip().lower() else ""
    return f"; bedoelde u `{beter}`?{hint}"


def onbekend_bericht(naam: str, bekend: Iterable[str], waar: str, soort: str = "kolom") -> str:
    """Dutch message for an unknown column or key, with a suggestion when one is near."""
    namen = list(dict.fromkeys(bekend))
    hint = bedoelde_u(naam, namen)
    return f"onbekende {soort} `{naam}` in {waar}{hint}{' ' if hint else '. '}Geldig zijn: " + (
        ", ".join(namen)
    )


# --------------------------------------------------------------------------- protected attributes

#: Protected attributes (Dutch and English stems), matched against the start of each
#: token of a name: never a criterion or a cost, never read.
BESCHERMDE_STAMMEN: dict[str, str] = {
    "nationalit": "nationaliteit",
    "nationalite": "nationaliteit",
    "staatsburger": "nationaliteit",
    "citizenship": "nationaliteit",
    "herkomst": "herkomst",
    "afkomst": "herkomst",
    "migratieachtergrond": "herkomst",
    "etnic": "etniciteit",
    "etnisch": "etniciteit",
    "ethnic": "etniciteit",
    "ethnisch": "etniciteit",
    "religi": "religie",
    "geloof": "religie",
    "gelovig": "religie",
    "kerkgenootschap": "religie",
    "geslacht": "geslacht",
    "gender": "geslacht",
    "sekse": "geslacht",
    "geboorteland": "geboorteland",
    "geboortelan": "geboorteland",
    "moedertaal": "herkomst",
}
#: Whole tokens that are protected (too short to match as a stem: "sex" is in "essex").
_BESCHERMD_WOORDEN: dict[str, str] = {
    "sex": "geslacht",
    "ras": "etniciteit",
    "race": "etniciteit",
    "m/v": "geslacht",
}
#: Protected attributes spread over several tokens, matched on the tokens joined.
_BESCHERMD_SAMEN: dict[str, str] = {
    "geboorteland": "geboorteland",
    "countryofbirth": "geboorteland",
    "birthcountry": "geboorteland",
    "landvangeboorte": "geboorteland",
    "landvanherkomst": "herkomst",
    "countryoforigin": "herkomst",
    "ethnicorigin": "etniciteit",
    "nationaliteit": "nationaliteit",
    "nationality": "nationaliteit",
}
_TOKEN = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def tokens(naam: str) -> list[str]:
    """The lowercase words of a name: split on ``_``, ``-``, spaces, dots and camelCase.

    Examples
    --------
    >>> tokens("voorkeurNationaliteit"), tokens("ETHNIC-group 2")
    (['voorkeur', 'nationaliteit'], ['ethnic', 'group', '2'])
    """
    return [t.lower() for t in _TOKEN.findall(str(naam))]


def beschermd_kenmerk(naam: object) -> str | None:
    """The protected attribute a column or key name refers to (Dutch), or None.

    Names are split into tokens (`tokens`); a token that starts with a stem
    (``nationalit``, ``religi``, ``etnisch``, ``geslacht``, ``gender``, ...), a
    whole token ``sex`` / ``ras`` / ``race``, or tokens that together spell a
    compound (``geboorte_land``, ``country_of_birth``) is protected.
    """
    tekst = str(naam)
    if tekst.strip().lower() in _BESCHERMD_WOORDEN:
        return _BESCHERMD_WOORDEN[tekst.strip().lower()]
    delen = tokens(tekst)
    for t in delen:
        if t in _BESCHERMD_WOORDEN:
            return _BESCHERMD_WOORDEN[t]
        for stam, kenmerk in BESCHERMDE_STAMMEN.items():
            if t.startswith(stam):
                return kenmerk
    samen = "".join(delen)
    for deel, kenmerk in _BESCHERMD_SAMEN.items():
        if deel in samen:
            return kenmerk
    return None


_BESCHERMD_UITLEG = (
    "mag geen criterium of kosten zijn en wordt nergens ingelezen (ook niet als voorkeur of "
    "doelgroep); verwijder deze kolom"
)


def weiger_beschermde_kenmerken(df: pd.DataFrame, bron: str) -> None:
    """Refuse any column whose name refers to a protected attribute (`beschermd_kenmerk`).

    Examples
    --------
    >>> weiger_beschermde_kenmerken(pd.DataFrame(columns=["Nationaliteit"]), "h.csv")
    Traceback (most recent call last):
    ...
    allocatie.kern.errors.InvoerFout: bestand 'h.csv', rij 1, kolom 'Nationaliteit': ...
    """
    for kolom in df.columns:
        kenmerk = beschermd_kenmerk(kolom)
        if kenmerk is not None:
            raise InvoerFout(
                f"beschermd kenmerk ({kenmerk}) in {_bestandsnaam(bron)}: een kolom over "
                f"nationaliteit, herkomst, etniciteit, religie of geslacht {_BESCHERMD_UITLEG}",
                bestand=bron,
                rij=1,
                kolom=str(kolom),
            )


def _sleutels(data: Any, pre: str = "") -> Iterable[tuple[str, str]]:
    """Every key of a parsed TOML document: ``(key, dotted path)``, nested tables included."""
    if isinstance(data, Mapping):
        for sleutel, waarde in data.items():
            pad = f"{pre}.{sleutel}" if pre else str(sleutel)
            yield str(sleutel), pad
            yield from _sleutels(waarde, pad)
    elif isinstance(data, list):
        for i, waarde in enumerate(data):
            yield from _sleutels(waarde, f"{pre}[{i + 1}]")


def weiger_beschermde_sleutels(data: Mapping[str, Any], bron: object) -> None:
    """Refuse a TOML key (at any depth) that refers to a protected attribute.

    Raises
    ------
    ConfiguratieFout
        Naming the file and the dotted key.
    """
    for sleutel, pad in _sleutels(data):
        kenmerk = beschermd_kenmerk(sleutel)
        if kenmerk is not None:
            raise ConfiguratieFout(
                f"beschermd kenmerk ({kenmerk}) als sleutel: nationaliteit, herkomst, "
                f"etniciteit, religie en geslacht {_BESCHERMD_UITLEG.replace('kolom', 'sleutel')}",
                bestand=None if bron is None else str(bron),
                kolom=pad,
            )


# --------------------------------------------------------------------------- the check


def controleer_kolommen(df: pd.DataFrame, tabel: str, bron: str) -> None:
    """Refuse protected attributes and unknown columns of ``tabel`` (see `TABELSCHEMA`).

    A GeoDataFrame's geometry column is always allowed. Missing columns are
    left to the column parsers (`allocatie.io.kolommen`), which name them.

    Raises
    ------
    InvoerFout
        Naming the file (``bron``), row 1 and the column.
    """
    weiger_beschermde_kenmerken(df, bron)
    schema = TABELSCHEMA[tabel]
    geometrie = getattr(df, "_geometry_column_name", None)
    for kolom in df.columns:
        naam = str(kolom)
        if naam == geometrie or schema.bekend(naam):
            continue
        bericht = onbekend_bericht(naam, schema.kolommen, _bestandsnaam(bron))
        if tabel == "huishoudens":
            bericht += (
                ". Uit dataminimalisatie worden in huishoudens alleen de kolommen van het schema "
                "ingelezen, ook geen opmerkingen"
            )
        elif schema.vrij:
            bericht += (
                f". Een kolom voor eigen aantekeningen heet {' of '.join(VRIJE_KOLOMMEN)} "
                "(of begint daarmee, gevolgd door _) en wordt niet gelezen"
            )
        raise InvoerFout(bericht, bestand=bron, rij=1, kolom=naam)

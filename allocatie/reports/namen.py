"""Names beside codes: what a user reads instead of ``PV20`` or ``AM05``.

A round's ``gemeenten`` table always has ``gemeente_naam``; a table made by
``allocatie basis`` (`allocatie.spatial.lidmaatschap`) also has
``provincie_naam`` and ``arbeidsmarktregio_naam``. Where those are missing the
twelve provinces still get their name from the CBS codes (`PROVINCIENAMEN`,
stable since 1986); any other region keeps its code. Reports show a region as
``naam (code)``, or the code alone when no name is known, so nothing a user
gave is hidden.
"""

from __future__ import annotations

import pandas as pd

from allocatie.ronde.instance import REGIOSOORTEN, Instance

__all__ = ["PROVINCIENAMEN", "met_code", "regionaam", "regionamen"]

#: The CBS province codes and their official names.
PROVINCIENAMEN: dict[str, str] = {
    "PV20": "Groningen",
    "PV21": "Fryslân",
    "PV22": "Drenthe",
    "PV23": "Overijssel",
    "PV24": "Flevoland",
    "PV25": "Gelderland",
    "PV26": "Utrecht",
    "PV27": "Noord-Holland",
    "PV28": "Zuid-Holland",
    "PV29": "Zeeland",
    "PV30": "Noord-Brabant",
    "PV31": "Limburg",
}

#: Region kind -> the column of the gemeenten table that may hold its names.
_NAAMKOLOM = {
    "provincie": "provincie_naam",
    "arbeidsmarktregio": "arbeidsmarktregio_naam",
}


def regionamen(gemeenten: pd.DataFrame, soort: str) -> dict[str, str]:
    """Code -> name of every region of one kind in a gemeenten table.

    Names come from the table's name column (``provincie_naam``,
    ``arbeidsmarktregio_naam``) when it has one; provinces fall back to
    `PROVINCIENAMEN`; a region without a known name maps to its code. A COA
    region's code already is its name.

    Parameters
    ----------
    gemeenten
        A round's gemeenten (`Instance.gemeenten`) or a base table.
    soort
        ``"provincie"``, ``"arbeidsmarktregio"`` or ``"coa_regio"``.

    Examples
    --------
    >>> g = pd.DataFrame({"provincie_code": ["PV20", "PV99"]})
    >>> regionamen(g, "provincie")
    {'PV20': 'Groningen', 'PV99': 'PV99'}
    >>> g = pd.DataFrame(
    ...     {"arbeidsmarktregio_code": ["AM01"], "arbeidsmarktregio_naam": ["Groningen"]}
    ... )
    >>> regionamen(g, "arbeidsmarktregio")
    {'AM01': 'Groningen'}
    """
    kolom = REGIOSOORTEN[soort]
    codes = gemeenten[kolom].astype(str)
    namen: dict[str, str] = {}
    naamkolom = _NAAMKOLOM.get(soort)
    if naamkolom is not None and naamkolom in gemeenten.columns:
        for c, n in zip(codes, gemeenten[naamkolom], strict=True):
            if isinstance(n, str) and n.strip():
                namen.setdefault(c, n.strip())
    uit: dict[str, str] = {}
    for c in sorted(set(codes)):
        terug = PROVINCIENAMEN.get(c, c) if soort == "provincie" else c
        uit[c] = namen.get(c, terug)
    return uit


def regionaam(inst: Instance, soort: str, code: str) -> str:
    """The name of one region of a round (its code when unknown); see `regionamen`."""
    return regionamen(inst.gemeenten, soort).get(code, code)


def met_code(naam: str, code: str) -> str:
    """``naam (code)``, or the code alone when the name is the code.

    Examples
    --------
    >>> met_code("Groningen", "PV20")
    'Groningen (PV20)'
    >>> met_code("PV99", "PV99")
    'PV99'
    """
    return code if not naam or naam == code else f"{naam} ({code})"

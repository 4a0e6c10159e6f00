"""Derived report tables shared by the workbook and the HTML report.

Pure functions of an `Instance` and its `AllocationResult`: the per-gemeente
overview with the status against the task in words, totals per region, the
flex sites' occupancy, the placements joined with their explanations, the
parameters of the round and the solver figures. The workbook
(`allocatie.reports.werkboek`) and the HTML report (`allocatie.reports.html`)
both read these, so their figures are the same by construction.

Column names are the code's (Dutch domain terms, snake case); each report puts
its own Dutch headers on them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from allocatie.kern.taal import nl_getal, personen
from allocatie.reports.kaartstijl import KLASSEN, vervullingsklasse
from allocatie.resultaat.explain import verklaar, verklaar_gemeenten
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import REGIOSOORTEN, Instance

__all__ = [
    "NIVEAUS",
    "REGIONAMEN",
    "flex_overzicht",
    "gemeente_overzicht",
    "kerncijfers",
    "niveaus_tabel",
    "onbediend_met_verklaring",
    "parameters",
    "plaatsingen_met_verklaring",
    "regio_overzicht",
    "rond_af",
    "solvercijfers",
    "status_tekst",
    "verklaringen",
]

#: Objective level -> (Dutch description, unit: "personen" | "huishoudens" | "aandeel" |
#: "kosten").
NIVEAUS: dict[str, tuple[str, str]] = {
    "onbediend": ("personen zonder woning", "personen"),
    "stabiliteit": (
        "huishoudens die t.o.v. de vorige uitkomst verhuizen of hun woning verliezen",
        "huishoudens",
    ),
    "tekort": ("tekort op de taakstellingen (personen)", "personen"),
    "eerlijkheid": ("grootste vermijdbare relatieve tekort van een gemeente", "aandeel"),
    "overvulling": ("grootste overvulling als deel van de taakstelling", "aandeel"),
    "kosten": ("kosten: reistijd, verhuizing buiten de COA-regio, flex", "kosten"),
    "ruil": ("taakstelling overgedragen aan andere gemeenten (ruil)", "personen"),
}
#: Decimals a user sees of a travel time (minutes) in the CSV files, the workbook, the
#: console and the HTML report; the round archive keeps the exact value.
REISTIJD_DECIMALEN = 1
#: Decimals a user sees of a cost term (``kosten``, ``kosten_*``, ``alternatief_kosten``).
KOSTEN_DECIMALEN = 2


def rond_af(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of a result table with travel times and cost terms rounded for users.

    Travel times (``reistijd_*_min``) get `REISTIJD_DECIMALEN` decimals, cost
    terms (``kosten``, ``kosten_*``, ``alternatief_kosten``) `KOSTEN_DECIMALEN`;
    an empty cell stays empty. Other columns are untouched. The exact values
    stay in the round archive (`allocatie.reports.archief`).

    Examples
    --------
    >>> t = pd.DataFrame({"reistijd_werk_min": [27.01004895993544, None], "kosten": [13.505024, 0]})
    >>> rond_af(t).to_dict("list")
    {'reistijd_werk_min': [27.0, nan], 'kosten': [13.51, 0.0]}
    """
    uit = df.copy()
    for kolom in uit.columns:
        naam = str(kolom)
        if naam.startswith("reistijd_") and naam.endswith("_min"):
            decimalen = REISTIJD_DECIMALEN
        elif naam == "kosten" or naam.startswith("kosten_") or naam == "alternatief_kosten":
            decimalen = KOSTEN_DECIMALEN
        else:
            continue
        if pd.api.types.is_numeric_dtype(uit[kolom]):
            uit[kolom] = uit[kolom].round(decimalen)
    return uit


#: Region type -> Dutch name (plural) for headings.
REGIONAMEN: dict[str, str] = {
    "provincie": "Provincies",
    "arbeidsmarktregio": "Arbeidsmarktregio's",
    "coa_regio": "COA-regio's",
}


def verklaringen(inst: Instance, res: AllocationResult) -> dict[str, pd.DataFrame]:
    """The explanation tables: per household and per gemeente with a shortfall."""
    return {
        "verklaring": verklaar(inst, res),
        "verklaring_gemeenten": verklaar_gemeenten(inst, res),
    }


def niveaus_tabel(res: AllocationResult) -> pd.DataFrame:
    """One row per objective level: what it counts, status, value, bound, gap, held limit, time.

    ``eenheid`` says what the level counts (``personen``, ``huishoudens``,
    ``aandeel`` or ``kosten``, `NIVEAUS`); ``waarde`` is the level's value when
    it was solved, ``herberekend`` its value recomputed from the final
    placements (what the summary and the tables count). The two differ only
    when a later level improved an earlier one within what it was held at.
    """
    return pd.DataFrame(
        [
            {
                "niveau": n.naam,
                "eenheid": NIVEAUS.get(n.naam, ("", ""))[1],
                "status": n.status.value,
                "waarde": n.waarde,
                "grens": n.grens,
                "gap": n.gap,
                "gap_absoluut": n.gap_absoluut,
                "vastgehouden_op": n.vastgehouden,
                "herberekend": res.doelwaarden.get(n.naam),
                "tijd_s": round(n.tijd_s, 3),
                "tijdslimiet_greep_in": n.klok,
            }
            for n in res.niveaus
        ],
        columns=[
            "niveau",
            "eenheid",
            "status",
            "waarde",
            "grens",
            "gap",
            "gap_absoluut",
            "vastgehouden_op",
            "herberekend",
            "tijd_s",
            "tijdslimiet_greep_in",
        ],
    )


def status_tekst(
    *,
    opgave: int,
    geplaatst: int,
    tekort: int,
    overvulling: int,
    tekort_door_aanbod: int = 0,
) -> str:
    """The status of a gemeente against its opgave, in Dutch words.

    Examples
    --------
    >>> status_tekst(opgave=6, geplaatst=1, tekort=5, overvulling=0, tekort_door_aanbod=5)
    'tekort van 5 personen (83% van de opgave), geheel door te weinig eigen aanbod'
    >>> status_tekst(opgave=25, geplaatst=27, tekort=0, overvulling=2)
    'taak gehaald, 2 personen boven de opgave'
    >>> status_tekst(opgave=0, geplaatst=0, tekort=0, overvulling=0)
    'geen opgave (taak al gerealiseerd)'
    """
    if tekort > 0:
        tekst = (
            f"tekort van {personen(tekort)} "
            f"({nl_getal(100 * tekort / opgave) if opgave else '100'}% van de opgave)"
        )
        if tekort_door_aanbod >= tekort:
            tekst += ", geheel door te weinig eigen aanbod"
        elif tekort_door_aanbod > 0:
            tekst += f", waarvan {nl_getal(tekort_door_aanbod)} door te weinig eigen aanbod"
        return tekst
    if opgave <= 0 and geplaatst <= 0:
        return "geen opgave (taak al gerealiseerd)"
    if overvulling > 0:
        return f"taak gehaald, {personen(overvulling)} boven de opgave"
    return "taak gehaald"


def _taak_kolom(g: pd.DataFrame) -> str:
    """The column of the task a gemeente is measured against: after swaps, if any."""
    return "opgave_na_ruil" if "opgave_na_ruil" in g.columns else "opgave"


def gemeente_overzicht(inst: Instance, res: AllocationResult) -> pd.DataFrame:
    """Per gemeente: the task, its carry-over, what was placed, shortfall and status.

    Returns
    -------
    pandas.DataFrame
        ``res.per_gemeente`` (in its order) with the regions and ``inwoners``
        of the gemeente, ``vervulling`` (placed / opgave, against
        ``opgave_na_ruil`` in a round with swaps: the task that ``tekort`` and
        ``overvulling`` are measured against; NaN without opgave),
        ``tekort_per_10000`` (shortfall per 10,000 inhabitants), ``klasse``
        (the map's fulfilment class, index into `KLASSEN`), ``klasse_label``
        and ``status`` (Dutch words, `status_tekst`).
    """
    g = res.per_gemeente.copy()
    regio = inst.gemeenten.set_index("gemeente_code")[
        ["provincie_code", "arbeidsmarktregio_code", "coa_regio", "inwoners"]
    ]
    g = g.join(regio, on="gemeente_code")
    # With taakstelling swaps the task is the opgave after the swaps: shortfall and
    # over-fulfilment are measured against it, so fulfilment and status are too.
    opgave = g[_taak_kolom(g)].to_numpy(float)
    geplaatst = g["geplaatst"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        g["vervulling"] = np.where(opgave > 0, geplaatst / opgave, np.nan)
        inw = g["inwoners"].to_numpy(float)
        g["tekort_per_10000"] = np.where(inw > 0, g["tekort"].to_numpy(float) / inw * 1e4, np.nan)
    klasse = vervullingsklasse(opgave, geplaatst)
    g["klasse"] = klasse
    g["klasse_label"] = [KLASSEN[k].label for k in klasse]
    g["status"] = [
        status_tekst(
            opgave=int(getattr(r, _taak_kolom(g))),
            geplaatst=int(r.geplaatst),
            tekort=int(r.tekort),
            overvulling=int(r.overvulling),
            tekort_door_aanbod=int(r.tekort_door_aanbod),
        )
        for r in g.itertuples(index=False)
    ]
    return g


def regio_overzicht(
    inst: Instance, res: AllocationResult, soort: str = "provincie"
) -> pd.DataFrame:
    """Totals per region of one type (``provincie``, ``arbeidsmarktregio``, ``coa_regio``).

    Returns
    -------
    pandas.DataFrame
        ``regio_code, gemeenten, gemeenten_met_tekort, inwoners,
        taakstelling, opgave`` (with swaps also ``opgave_na_ruil``)``,
        geplaatst, tekort, overvulling, relatief_tekort`` (shortfall / opgave
        after swaps), ``tekort_per_10000`` and
        ``grootste_relatieve_tekort`` (of its gemeenten), sorted by code.
    """
    kolom = REGIOSOORTEN[soort]
    g = gemeente_overzicht(inst, res)
    groep = g.groupby(kolom, sort=True)
    uit = pd.DataFrame(
        {
            "gemeenten": groep.size(),
            "gemeenten_met_tekort": groep["tekort"].apply(lambda s: int((s > 0).sum())),
            **{
                k: groep[k].sum()
                for k in (
                    "inwoners",
                    "taakstelling",
                    "opgave",
                    *(["opgave_na_ruil"] if "opgave_na_ruil" in g.columns else []),
                    "geplaatst",
                    "tekort",
                    "overvulling",
                )
            },
            "grootste_relatieve_tekort": groep["relatief_tekort"].max(),
        }
    )
    uit.index.name = "regio_code"
    uit = uit.reset_index()
    opgave = uit[_taak_kolom(uit)].to_numpy(float)
    inw = uit["inwoners"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        uit["relatief_tekort"] = np.where(opgave > 0, uit["tekort"] / opgave, 0.0)
        uit["tekort_per_10000"] = np.where(inw > 0, uit["tekort"] / inw * 1e4, np.nan)
    return uit[
        [
            "regio_code",
            "gemeenten",
            "gemeenten_met_tekort",
            "inwoners",
            "taakstelling",
            "opgave",
            *(["opgave_na_ruil"] if "opgave_na_ruil" in uit.columns else []),
            "geplaatst",
            "tekort",
            "overvulling",
            "relatief_tekort",
            "tekort_per_10000",
            "grootste_relatieve_tekort",
        ]
    ]


def flex_overzicht(inst: Instance, res: AllocationResult) -> pd.DataFrame:
    """Per flexible site: units, units occupied, capacity, occupancy, vergunninghouder share.

    Returns
    -------
    pandas.DataFrame
        ``aanbod_id, naam, gemeente_code, gemeente_naam, eenheden_totaal``
        (all units of the site), ``eenheden`` (open to vergunninghouders),
        ``eenheden_gebruikt, capaciteit_personen, personen, huishoudens,
        bezetting`` (persons / capacity), ``bezetting_eenheden`` (units used /
        units open), ``aandeel_vh`` (units used / all units: the share of the
        site that vergunninghouders take), ``max_aandeel_vh, x, y,
        beschikbaar_vanaf, beschikbaar_tot``. Empty (same columns) without
        flex sites.
    """
    po = res.per_optie[res.per_optie["soort"] == "flex"]
    extra = inst.opties[
        [
            "aanbod_id",
            "eenheden_totaal",
            "max_aandeel_vh",
            "x",
            "y",
            "beschikbaar_vanaf",
            "beschikbaar_tot",
        ]
    ]
    namen = inst.gemeenten[["gemeente_code", "gemeente_naam"]]
    f = po.merge(extra, on="aanbod_id", how="left").merge(namen, on="gemeente_code", how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        f["bezetting"] = np.where(
            f["capaciteit_personen"] > 0, f["personen"] / f["capaciteit_personen"], np.nan
        )
        f["bezetting_eenheden"] = np.where(
            f["eenheden"] > 0, f["eenheden_gebruikt"] / f["eenheden"], np.nan
        )
        f["aandeel_vh"] = np.where(
            f["eenheden_totaal"] > 0, f["eenheden_gebruikt"] / f["eenheden_totaal"], np.nan
        )
    return f[
        [
            "aanbod_id",
            "naam",
            "gemeente_code",
            "gemeente_naam",
            "eenheden_totaal",
            "eenheden",
            "eenheden_gebruikt",
            "capaciteit_personen",
            "personen",
            "huishoudens",
            "bezetting",
            "bezetting_eenheden",
            "aandeel_vh",
            "max_aandeel_vh",
            "x",
            "y",
            "beschikbaar_vanaf",
            "beschikbaar_tot",
        ]
    ].reset_index(drop=True)


#: Columns of `verklaar` joined onto the placements and the unplaced households.
VERKLARING_KOLOMMEN = (
    "harde_criteria",
    "passende_opties",
    "beste_alternatief",
    "alternatief_kosten",
    "reden",
)


def plaatsingen_met_verklaring(
    inst: Instance, res: AllocationResult, verklaring: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``res.plaatsingen`` with the gemeente's name and the explanation of each placement."""
    v = verklaar(inst, res) if verklaring is None else verklaring
    namen = inst.gemeenten[["gemeente_code", "gemeente_naam"]]
    return rond_af(
        res.plaatsingen.merge(namen, on="gemeente_code", how="left").merge(
            v[["huishouden_id", *VERKLARING_KOLOMMEN]], on="huishouden_id", how="left"
        )
    )


def onbediend_met_verklaring(
    inst: Instance, res: AllocationResult, verklaring: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The unplaced households with the explanation's reason (not the generic one)."""
    v = verklaar(inst, res) if verklaring is None else verklaring
    return rond_af(
        res.onbediend[["huishouden_id", "personen", "ruimte"]].merge(
            v[["huishouden_id", *VERKLARING_KOLOMMEN]], on="huishouden_id", how="left"
        )
    )


def kerncijfers(inst: Instance, res: AllocationResult) -> dict[str, Any]:
    """The headline figures of a round (plain Python types)."""
    a = res.samenvatting()["aantallen"]
    g = res.per_gemeente
    return {
        **a,
        "gemeenten": len(g),
        "gemeenten_met_tekort": int((g["tekort"] > 0).sum()),
        "tekort_door_aanbod": int(g["tekort_door_aanbod"].sum()),
        "taakstelling": int(g["taakstelling"].sum()),
        "opgave_na_ruil": int(g[_taak_kolom(g)].sum()),
        "huishoudens": inst.n_huishoudens,
        "personen": int(inst.huishoudens["personen"].sum()),
        "eerlijkheid": float(res.doelwaarden.get("eerlijkheid", math.nan)),
    }


def parameters(inst: Instance) -> pd.DataFrame:
    """The parameters of the round: preset, criteria, limits, weights, solver, inputs.

    Returns
    -------
    pandas.DataFrame
        ``onderdeel, parameter, waarde, eenheid``; ``waarde`` keeps its type
        (bool, number or text).
    """
    p, s = inst.preset, inst.solver
    rijen: list[tuple[str, str, Any, str]] = [
        ("Ronde", "naam", inst.naam, ""),
        ("Ronde", "periode", inst.periode.label, ""),
        ("Ronde", "van", inst.periode.start, "datum"),
        ("Ronde", "tot en met", inst.periode.eind, "datum"),
        ("Modelpreset", "naam", p.naam, ""),
        ("Modelpreset", "bestand", p.bron, ""),
        ("Modelpreset", "beschrijving", " ".join(p.beschrijving.split()), ""),
    ]
    for crit in ("werk", "studie", "familie", "zorg", "beschikbaarheid", "coa_regio"):
        rijen.append(("Harde criteria", crit, bool(getattr(p.criteria, crit)), "aan/uit"))
    for crit in ("werk", "studie", "familie", "zorg"):
        rijen.append(
            ("Limieten", f"reistijd {crit}", float(getattr(p.limieten, f"{crit}_min")), "minuten")
        )
    rijen += [
        ("Limieten", "termijn vergunning tot woning", p.limieten.termijn_weken, "weken"),
        ("Reistijd", "standaard vervoer", p.reistijd.standaard_vervoer, ""),
        ("Doel", "volgorde", " → ".join(p.doel.volgorde), ""),
        ("Doel", "tolerantie relatief", p.doel.tolerantie_relatief, "aandeel"),
        ("Doel", "tolerantie absoluut", p.doel.tolerantie_absoluut, ""),
        ("Kosten", "per minuut reistijd werk", p.kosten.per_minuut_werk, "kostenpunten"),
        ("Kosten", "per minuut reistijd studie", p.kosten.per_minuut_studie, "kostenpunten"),
        (
            "Kosten",
            "per persoon buiten de COA-regio",
            p.kosten.buiten_coa_regio_per_persoon,
            "kostenpunten",
        ),
        ("Kosten", "per persoon in een flexwoning", p.kosten.flex_per_persoon, "kostenpunten"),
        ("Solver", "backend", s.backend, ""),
        ("Solver", "tijdslimiet", float(s.tijdslimiet_s), "seconden (vangnet)"),
        ("Solver", "inspanning", float(s.inspanning), "veelvoud van de standaard"),
        ("Solver", "relatieve gap", float(s.gap_relatief), "aandeel"),
        ("Solver", "threads", s.threads, "0 = automatisch"),
        ("Solver", "seed", s.seed, ""),
    ]
    for naam, bron in inst.bronnen.items():
        rijen.append(("Invoer", naam, bron, ""))
    for naam, sha in inst.hashes.items():
        rijen.append(("Invoer (SHA-256)", naam, sha, ""))
    return pd.DataFrame(rijen, columns=["onderdeel", "parameter", "waarde", "eenheid"])


#: Model size key -> Dutch label.
MODELGROOTTE: dict[str, str] = {
    "paren": "paren huishouden × optie",
    "types": "typen huishoudens",
    "typeparen": "paren type × optie (x-variabelen)",
    "variabelen": "variabelen",
    "geheeltallig": "geheeltallige variabelen",
    "rijen": "restricties (rijen)",
    "niet_nullen": "niet-nullen",
}


def solvercijfers(res: AllocationResult) -> pd.DataFrame:
    """Solver and model figures: status, gap, times and model size.

    Returns
    -------
    pandas.DataFrame
        ``onderdeel, waarde, eenheid`` (``eenheid``: ``""``, ``"aandeel"``,
        ``"seconden"`` or ``"aantal"``).
    """
    rijen: list[tuple[str, Any, str]] = [
        ("solver", res.solver, ""),
        ("backend", res.backend, ""),
        ("formulering", res.formulering, ""),
        ("status", res.status.value, ""),
        ("gap (grootste over de niveaus)", res.gap, "aandeel"),
        ("reproduceerbaar (tijdslimiet greep niet in)", "ja" if res.reproduceerbaar else "nee", ""),
        ("rekentijd totaal", res.wall_s, "seconden"),
        ("model bouwen", res.bouw_s, "seconden"),
    ]
    for sleutel, waarde in res.modelgrootte.items():
        rijen.append((MODELGROOTTE.get(sleutel, sleutel), int(waarde), "aantal"))
    return pd.DataFrame(rijen, columns=["onderdeel", "waarde", "eenheid"])

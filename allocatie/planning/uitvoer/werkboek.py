"""The Excel workbook of a flex plan (``plan.xlsx``), in the style of the round's workbook.

Sheets (`BLADEN`): the summary (key figures, VSS and the other values, solver
and check), the plan's actions (order, close, move), the plan per region,
flex type and half-year, the policies compared, the backlog quantiles per
policy and half-year, the rolling policy (against the others, and per
half-year), the sensitivity variants and the parameters of the TOML.
Headers, number formats, frozen header rows, autofilters and column widths
come from the round workbook's table writer
(`allocatie.reports.werkboek`), so both workbooks look and behave the same.
Amounts are euro, persons are expected values over the scenarios.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from allocatie.io.atomisch import atomisch_pad
from allocatie.planning.uitvoer import tabellen as tb
from allocatie.planning.uitvoer.vergelijking import Planvergelijking
from allocatie.reports.werkboek import Kolom, schrijf_tabel

__all__ = ["BLADEN", "KOLOMMEN", "schrijf_planwerkboek"]

#: Sheet key -> sheet name, in workbook order.
BLADEN: dict[str, str] = {
    "samenvatting": "Samenvatting",
    "acties": "Acties",
    "plan": "Plan",
    "beleid": "Beleid",
    "rollend": "Rollend",
    "rollend_halfjaar": "Rollend per halfjaar",
    "verplaatsingen": "Verplaatsingen",
    "businesscase": "Businesscase",
    "achterstand": "Achterstand",
    "gevoeligheid": "Gevoeligheid",
    "parameters": "Parameters",
}

_KOSTEN = [
    Kolom(f"kosten_{d}", f"Kosten {d.replace('_', ' ')} (€)", "geheel") for d in tb.KOSTENDELEN
]

#: Table sheet key -> its columns (source column, Dutch header, format).
KOLOMMEN: dict[str, list[Kolom]] = {
    "rollend": [
        Kolom("titel", "Rollend plannen tegen"),
        Kolom("verschil", "Besparing, verwacht (€)", "geheel"),
        Kolom("onder", "Interval: onder (€)", "geheel"),
        Kolom("boven", "Interval: boven (€)", "geheel"),
        Kolom("niveau", "Niveau", "procent"),
        Kolom("scenarios", "Scenario's (gepaard)", "geheel"),
    ],
    "rollend_halfjaar": [
        Kolom("periode", "Halfjaar"),
        Kolom("plaatsen_p5", "Plaatsen 5%", "geheel"),
        Kolom("plaatsen_p25", "Plaatsen 25%", "geheel"),
        Kolom("plaatsen_p50", "Plaatsen mediaan", "geheel"),
        Kolom("plaatsen_p75", "Plaatsen 75%", "geheel"),
        Kolom("plaatsen_p95", "Plaatsen 95%", "geheel"),
        Kolom("plaatsen_gemiddeld", "Plaatsen gemiddeld", "geheel"),
        Kolom("besteld", "Besteld (per scenario)", "decimaal"),
        Kolom("geleverd", "Nieuw beschikbaar (per scenario)", "decimaal"),
        Kolom("gesloten", "Gesloten (per scenario)", "decimaal"),
        Kolom("verplaatst", "Verplaatst (per scenario)", "decimaal"),
        Kolom("kans_sluiten", "Scenario's die sluiten", "procent"),
        Kolom("kans_daling", "Scenario's met minder plaatsen", "procent"),
    ],
    "verplaatsingen": [
        Kolom("titel", "Beleid"),
        Kolom("flextype", "Flextype"),
        Kolom("van", "Van regio"),
        Kolom("naar", "Naar regio"),
        Kolom("vertrek", "Vertrek"),
        Kolom("aankomst", "Beschikbaar vanaf"),
        Kolom("modules", "Modules (verwacht)", "decimaal"),
        Kolom("kans", "Kans", "procent"),
    ],
    "businesscase": [
        Kolom("titel", "Beleid"),
        Kolom("flextype", "Flextype"),
        Kolom("modules_besteld", "Besteld", "decimaal"),
        Kolom("modules_gesloten", "Gesloten", "decimaal"),
        Kolom("verplaatsingen", "Verplaatst", "decimaal"),
        Kolom("module_halfjaren", "Module-halfjaren", "geheel"),
        Kolom("bewoner_halfjaren", "Bewoner-halfjaren", "geheel"),
        Kolom("openen", "Openen (€)", "geheel"),
        Kolom("exploitatie", "Exploitatie (€)", "geheel"),
        Kolom("sluiten", "Sluiten (€)", "geheel"),
        Kolom("verkoopwaarde", "Verkoopwaarde (€)", "geheel"),
        Kolom("verplaatsen_bruto", "Verplaatsen (€)", "geheel"),
        Kolom("subsidie", "Subsidie herplaatsing (€)", "geheel"),
        Kolom("restwaarde", "Restwaarde (€)", "geheel"),
        Kolom("netto", "Netto (€)", "geheel"),
        Kolom("netto_per_bewoner_halfjaar", "Netto per bewoner-halfjaar (€)", "geheel"),
        Kolom("exploitatietermijn", "Exploitatietermijn (halfjaren)", "geheel"),
        Kolom("afschrijving_per_halfjaar", "Afschrijving per module per halfjaar (€)", "geheel"),
        Kolom("kosten_per_plaats_per_jaar", "Kosten per plaats per jaar (€)", "geheel"),
    ],
    "samenvatting": [Kolom("onderwerp", "Onderwerp"), Kolom("waarde", "Waarde", "rij")],
    "acties": [
        Kolom("periode", "Halfjaar"),
        Kolom("regio", "Regio"),
        Kolom("flextype", "Flextype"),
        Kolom("actie", "Actie"),
        Kolom("modules", "Modules", "geheel"),
        Kolom("plaatsen", "Plaatsen", "geheel"),
        Kolom("beschikbaar_vanaf", "Beschikbaar vanaf / weg in"),
    ],
    "plan": [
        Kolom("regio", "Regio"),
        Kolom("flextype", "Flextype"),
        Kolom("periode", "Halfjaar"),
        Kolom("besteld", "Besteld", "geheel"),
        Kolom("geleverd", "Geleverd", "geheel"),
        Kolom("gesloten", "Gesloten", "geheel"),
        Kolom("verplaatst_weg", "Verplaatst (weg)", "geheel"),
        Kolom("verplaatst_aan", "Verplaatst (aangekomen)", "geheel"),
        Kolom("beschikbaar", "Beschikbaar (modules)", "geheel"),
        Kolom("plaatsen", "Plaatsen", "geheel"),
        Kolom("bezetting_verwacht", "Verwachte bezetting (personen)", "geheel"),
    ],
    "beleid": [
        Kolom("titel", "Beleid"),
        Kolom("doel", "Doel (€)", "geheel"),
        Kolom("verschil_doel", "Verschil met stochastisch plan (€)", "geheel"),
        Kolom("verwachting", "Verwachte kosten (€)", "geheel"),
        Kolom("cvar_90", "CVaR 90% (€)", "geheel"),
        Kolom("kosten_eerste_fase", "Kosten eerste fase (€)", "geheel"),
        Kolom("kosten_tweede_fase", "Kosten tweede fase (€)", "geheel"),
        *_KOSTEN,
        Kolom("wachttijd", "Wachttijd (persoon-halfjaren)", "geheel"),
        Kolom("achterstand_eind_gemiddeld", "Achterstand aan het eind: gemiddeld", "geheel"),
        Kolom("achterstand_eind_p50", "Achterstand aan het eind: mediaan", "geheel"),
        Kolom("achterstand_eind_p90", "Achterstand aan het eind: 90e percentiel", "geheel"),
        Kolom("modules_besteld", "Modules besteld", "geheel"),
        Kolom("modules_gesloten", "Modules gesloten", "geheel"),
        Kolom("modules_piek", "Modules beschikbaar op het hoogtepunt", "geheel"),
        Kolom("status", "Status"),
        Kolom("methode", "Methode"),
        Kolom("gap", "Gap", "gap"),
        Kolom("solver", "Solver"),
        Kolom("tijd_s", "Rekentijd", "seconden"),
    ],
    "achterstand": [
        Kolom("titel", "Beleid"),
        Kolom("periode", "Halfjaar"),
        *(
            Kolom(f"p{round(100 * q)}", f"{round(100 * q)}e percentiel", "geheel")
            for q in tb.KWANTIELEN
        ),
        Kolom("gemiddeld", "Gemiddeld", "geheel"),
    ],
    "gevoeligheid": [
        Kolom("variant", "Variant"),
        Kolom("doel", "Doel (€)", "geheel"),
        Kolom("verschil_doel", "Verschil met basis (€)", "geheel"),
        Kolom("verwachting", "Verwachte kosten (€)", "geheel"),
        Kolom("cvar_90", "CVaR 90% (€)", "geheel"),
        Kolom("kosten_eerste_fase", "Kosten eerste fase (€)", "geheel"),
        Kolom("kosten_tweede_fase", "Kosten tweede fase (€)", "geheel"),
        Kolom("wachttijd", "Wachttijd (persoon-halfjaren)", "geheel"),
        Kolom("achterstand_eind_p50", "Achterstand aan het eind: mediaan", "geheel"),
        Kolom("achterstand_eind_p90", "Achterstand aan het eind: 90e percentiel", "geheel"),
        Kolom("modules_besteld", "Modules besteld", "geheel"),
        Kolom("verschil_modules", "Verschil modules met basis", "geheel"),
        Kolom("status", "Status"),
        Kolom("gap", "Gap", "gap"),
    ],
    "parameters": [
        Kolom("onderdeel", "Onderdeel"),
        Kolom("parameter", "Parameter"),
        Kolom("waarde", "Waarde", max_breedte=80),
    ],
}

_BEVROREN = {"plan": "D2", "beleid": "B2", "achterstand": "C2", "gevoeligheid": "B2"}


def samenvatting_rijen(
    vgl: Planvergelijking, kop: Mapping[str, Any], controle: str
) -> tuple[pd.DataFrame, list[str]]:
    """Rows of the summary sheet and the format of each row's value.

    ``kop`` holds the plan's identity (``naam``, ``config``, ``config_sha256``)
    and ``controle`` the Dutch line on the independent check.
    """
    s = vgl.stochastisch
    o = vgl.opgelost.get("stochastisch")
    k = tb.kerncijfers(vgl)
    rijen: list[tuple[str, Any, str]] = [
        ("Plan", kop.get("naam", ""), "tekst"),
        ("Configuratie", kop.get("config", ""), "tekst"),
        ("Configuratie (SHA-256)", kop.get("config_sha256", ""), "tekst"),
        ("Scenario's", len(s.kansen), "geheel"),
        ("Halfjaren", len(vgl.instantie.perioden), "geheel"),
        ("Regio's", len(vgl.instantie.regios), "geheel"),
        ("Risicomaat", vgl.instantie.risico.maat, "tekst"),
        ("Doel stochastisch plan (€)", s.doel, "geheel"),
        ("Verwachte kosten stochastisch plan (€)", s.verwachting, "geheel"),
        ("CVaR 90% stochastisch plan (€)", s.cvar(tb.ALFA_CVAR), "geheel"),
        ("Waarde van de stochastische oplossing, VSS (€)", k["vss"], "geheel"),
        ("Waarde van op- en afschalen (€)", k["waarde_schalen"], "geheel"),
        ("Waarde van flex (€)", k["waarde_flex"], "geheel"),
        ("Waarde van perfecte informatie, EVPI (€)", k["evpi"], "geheel"),
        ("Solver", s.solver, "tekst"),
        ("Methode", "" if o is None else o.methode, "tekst"),
        ("Status", s.status.value, "tekst"),
        ("Gap", s.gap, "gap"),
        ("Rekentijd (alles)", vgl.tijd_s, "seconden"),
        ("Parallel", f"{vgl.workers} ({vgl.pad})", "tekst"),
        ("Onafhankelijke controle", controle, "tekst"),
    ]
    df = pd.DataFrame([(a, b) for a, b, _ in rijen], columns=["onderwerp", "waarde"])
    return df, [f for _, _, f in rijen]


def schrijf_planwerkboek(
    vgl: Planvergelijking,
    pad: str | Path,
    *,
    kop: Mapping[str, Any] | None = None,
    ruw: Mapping[str, Any] | None = None,
    controle: str = "",
    gevoeligheid: pd.DataFrame | None = None,
) -> Path:
    """Write the plan's workbook (sheets `BLADEN`) atomically.

    Parameters
    ----------
    vgl
        The comparison (`allocatie.planning.uitvoer.vergelijking.plan_flexcapaciteit`).
    pad
        The ``.xlsx`` file; its folder must exist.
    kop
        The plan's identity for the summary: ``naam``, ``config``, ``config_sha256``.
    ruw
        The TOML as read (`Planconfig.ruw`) for the parameters sheet.
    controle
        The Dutch line on the independent check.
    gevoeligheid
        `allocatie.planning.uitvoer.tabellen.gevoeligheid_tabel`, when already computed.
    """
    pad = Path(pad)
    samenvatting, formaten = samenvatting_rijen(vgl, kop or {}, controle)
    plan = tb.plan_tabel(vgl)
    tabellen: dict[str, pd.DataFrame] = {
        "samenvatting": samenvatting,
        "acties": tb.acties_tabel(plan, vgl.instantie),
        "plan": plan,
        "beleid": tb.beleid_tabel(vgl),
        "achterstand": tb.achterstand_tabel(vgl),
        "rollend": tb.rollend_tabel(vgl),
        "rollend_halfjaar": tb.rollend_halfjaar_tabel(vgl),
        "verplaatsingen": tb.verplaatsingen_tabel(vgl),
        "businesscase": tb.businesscase_tabel(vgl),
        "gevoeligheid": tb.gevoeligheid_tabel(vgl) if gevoeligheid is None else gevoeligheid,
        "parameters": tb.parameters_tabel(ruw or {}),
    }
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = str((kop or {}).get("naam", "Flexplan"))
    wb.properties.creator = "allocatie"
    for sleutel, naam in BLADEN.items():
        schrijf_tabel(
            wb.create_sheet(naam),
            tabellen[sleutel],
            KOLOMMEN[sleutel],
            rij_formaten=formaten if sleutel == "samenvatting" else None,
            bevroren=_BEVROREN.get(sleutel, "A2"),
        )
    with atomisch_pad(pad) as tmp:
        wb.save(tmp)
    return pad

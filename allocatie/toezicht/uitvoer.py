"""The toezicht's output per provincie: a workbook and a report page (HTML), plus CSVs.

The workbook uses the round workbook's table writer
(`allocatie.reports.werkboek.schrijf_tabel`) and the page the round report's
building blocks, style sheet, script and Content-Security-Policy
(`allocatie.reports.htmlopmaak`, `allocatie.reports.html`), so every output of
allocatie looks and behaves alike. Written atomically.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from allocatie.io.atomisch import atomisch_pad, schrijf_csv_atomisch
from allocatie.kern.taal import aantal
from allocatie.kern.versie import VERSIE
from allocatie.reports import htmlopmaak as ho
from allocatie.reports.html import CSP, lees_bron
from allocatie.reports.werkboek import Kolom, schrijf_tabel
from allocatie.toezicht.dossier import Dossier

__all__ = [
    "BLADEN",
    "UITLEG",
    "per_provincie",
    "rapport_html",
    "schrijf_toezicht",
    "toezicht_tabellen",
]

#: Column -> its meaning in one Dutch sentence (workbook sheet "Toelichting", the page).
UITLEG: dict[str, str] = {
    "taakstelling_oorspronkelijk": "Taakstelling met het eerst vastgestelde landelijke aantal.",
    "herziening": "Taakstelling min oorspronkelijke taakstelling (negatief bij een verlaging).",
    "taakstelling": "Wettelijke taakstelling van het halfjaar (na een herziening).",
    "achterstand_begin": "Achterstand uit het vorige halfjaar (overloop).",
    "voorsprong_begin": "Voorsprong uit het vorige halfjaar (overloop).",
    "opgave": "Taakstelling + achterstand_begin - voorsprong_begin.",
    "gerealiseerd": "Personen gehuisvest in het halfjaar tot de peildatum, nareizigers inbegrepen.",
    "waarvan_nareizigers": "Deel van gerealiseerd dat nareizigers zijn (bij een gehuisveste "
    "referent).",
    "saldo": "Opgave min gerealiseerd: positief is achterstand, negatief voorsprong.",
    "achterstand_eind": "Achterstand op de peildatum (gaat over naar het volgende halfjaar).",
    "voorsprong_eind": "Voorsprong op de peildatum (gaat over naar het volgende halfjaar).",
    "gekoppeld_tijdig": "Personen die het COA vóór 1 april / 1 oktober koppelde (sinds de vorige "
    "grens).",
    "tekort_door_aanbod": "Deel van de achterstand dat komt doordat het COA te weinig mensen "
    "koppelde: min(achterstand_eind, max(0, opgave - gekoppeld_tijdig - waarvan_nareizigers)).",
    "achterstand_eigen": "Achterstand_eind min tekort_door_aanbod: wat de gemeente zelf aangaat.",
    "realisatiegraad": "Gerealiseerd gedeeld door opgave.",
    "achter": "Eigen achterstand boven de marge van de ladder.",
    "halfjaren_achter": "Aantal halfjaren achter elkaar achter, tot en met dit halfjaar.",
    "trede": "Trede van de interventieladder bij dit aantal halfjaren.",
    "verschil_achterstand_eigen": "Eigen achterstand min die van het halfjaar ervoor.",
    "trend": "Oplopend, dalend of gelijk (eigen achterstand).",
}

#: Sheet key -> sheet name, in workbook order.
BLADEN: dict[str, str] = {
    "overzicht": "Overzicht",
    "dossier": "Dossier",
    "halfjaren": "Halfjaren (wettelijk)",
    "momentopnamen": "Momentopnamen",
    "ladder": "Ladder",
    "toelichting": "Toelichting",
}


def _g(bron: str, kop: str) -> Kolom:
    return Kolom(bron, kop, "geheel")


_CIJFERS = [
    _g("taakstelling_oorspronkelijk", "Taakstelling oorspronkelijk"),
    _g("herziening", "Herziening"),
    _g("taakstelling", "Taakstelling"),
    _g("achterstand_begin", "Achterstand begin"),
    _g("voorsprong_begin", "Voorsprong begin"),
    _g("opgave", "Opgave"),
    _g("gerealiseerd", "Gerealiseerd"),
    _g("waarvan_nareizigers", "Waarvan nareizigers"),
    _g("achterstand_eind", "Achterstand eind"),
    _g("voorsprong_eind", "Voorsprong eind"),
    _g("gekoppeld_tijdig", "Gekoppeld tijdig (COA)"),
    _g("tekort_door_aanbod", "Tekort door aanbod (verschoonbaar)"),
    _g("achterstand_eigen", "Achterstand eigen"),
]
_LADDER = [
    Kolom("halfjaren_achter", "Halfjaren achter", "geheel"),
    Kolom("trede", "Trede"),
    Kolom("trend", "Trend"),
]
_KOLOMMEN: dict[str, list[Kolom]] = {
    "overzicht": [
        Kolom("gemeente_code", "Code"),
        Kolom("gemeente_naam", "Gemeente"),
        Kolom("perioden_getoond", "Halfjaren"),
        Kolom("status", "Saldo per halfjaar (+ = achterstand)"),
        Kolom("periode", "Laatste halfjaar"),
        *_CIJFERS[2:],
        Kolom("realisatiegraad", "Realisatiegraad", "procent"),
        _g("tekort_door_aanbod_totaal", "Verschoonbaar over de halfjaren"),
        *_LADDER,
    ],
    "dossier": [
        Kolom("gemeente_code", "Code"),
        Kolom("gemeente_naam", "Gemeente"),
        Kolom("periode", "Halfjaar"),
        Kolom("peildatum", "Peildatum", "datum"),
        Kolom("codes_in_periode", "Codes in het halfjaar"),
        *_CIJFERS,
        Kolom("realisatiegraad", "Realisatiegraad", "procent"),
        *_LADDER,
    ],
    "halfjaren": [
        Kolom("periode", "Halfjaar"),
        Kolom("peildatum", "Peildatum", "datum"),
        Kolom("gemeente_code", "Code"),
        Kolom("gemeente_naam", "Gemeente"),
        _g("inwoners", "Inwoners"),
        Kolom("inwoners_bron", "Bron inwoners"),
        *_CIJFERS,
        Kolom("bron", "Bron realisatie"),
    ],
    "momentopnamen": [
        Kolom("periode", "Halfjaar"),
        Kolom("peildatum", "Peildatum", "datum"),
        Kolom("soort", "Soort"),
        Kolom("gemeente_code", "Code"),
        Kolom("gemeente_naam", "Gemeente"),
        _g("opgave", "Opgave"),
        _g("gerealiseerd_tot", "Gerealiseerd tot peildatum"),
        _g("verwacht_naar_rato", "Verwacht naar rato"),
        _g("achter_op_schema", "Achter op schema"),
    ],
    "ladder": [Kolom("trede", "Trede"), _g("halfjaren", "Vanaf halfjaren achter")],
    "toelichting": [Kolom("kolom", "Kolom"), Kolom("betekenis", "Betekenis", max_breedte=100)],
}


def per_provincie(
    dossier: Dossier, provincies: pd.DataFrame | None, standaard: str
) -> dict[str, list[str]]:
    """Provincie -> the gemeente codes (of the last half-year) it supervises.

    Without ``provincies`` every gemeente belongs to ``standaard``.
    """
    codes = list(dict.fromkeys(dossier.dossier["gemeente_code"]))
    if provincies is None:
        return {standaard: codes}
    kaart = dict(zip(provincies["gemeente_code"], provincies["provincie_naam"], strict=True))
    uit: dict[str, list[str]] = {}
    for c in codes:
        uit.setdefault(str(kaart.get(c, standaard)), []).append(c)
    return uit


def toezicht_tabellen(
    dossier: Dossier, codes: list[str] | None = None, halfjaren: int | None = None
) -> dict[str, pd.DataFrame]:
    """The tables of the workbook and the page (keys of `BLADEN`), for some gemeenten.

    ``halfjaren`` limits the dossier, the legal half-years and the snapshots
    to the last N half-years.
    """
    perioden = list(dict.fromkeys(dossier.dossier["periode"]))
    if halfjaren is not None:
        perioden = perioden[-halfjaren:]
    d = dossier.dossier[dossier.dossier["periode"].isin(perioden)]
    o = dossier.overzicht(halfjaren)
    m = dossier.momentopnamen
    m = m[m["periode"].isin(perioden)]
    p = dossier.perioden[dossier.perioden["periode"].isin(perioden)]
    if codes is not None:
        d, o, m = (x[x["gemeente_code"].isin(codes)] for x in (d, o, m))
        p = p[p["gemeente_code"].isin(set(d["codes_in_periode"].str.split(", ").explode()))]
    ladder = pd.DataFrame(
        [("geen", 0)] + [(t.naam, t.halfjaren) for t in dossier.ladder.treden],
        columns=["trede", "halfjaren"],
    )
    toelichting = pd.DataFrame(list(UITLEG.items()), columns=["kolom", "betekenis"])
    return {
        "overzicht": o.reset_index(drop=True),
        "dossier": d.reset_index(drop=True),
        "halfjaren": p.reset_index(drop=True),
        "momentopnamen": m.reset_index(drop=True),
        "ladder": ladder,
        "toelichting": toelichting,
    }


def _zonder_na(df: pd.DataFrame) -> pd.DataFrame:
    """Missing values (``pd.NA`` of nullable columns, NaN) as None, for the writers."""
    return df.astype(object).where(df.notna(), None)


def _werkboek(tabellen: dict[str, pd.DataFrame], titel: str, pad: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = titel
    wb.properties.creator = "allocatie"
    for sleutel, naam in BLADEN.items():
        schrijf_tabel(
            wb.create_sheet(naam),
            _zonder_na(tabellen[sleutel]),
            _KOLOMMEN[sleutel],
            bevroren="C2" if sleutel in {"overzicht", "dossier"} else "A2",
        )
    with atomisch_pad(pad) as tmp:
        wb.save(tmp)


def _html_kolommen(sleutel: str) -> list[ho.Kolom]:
    uit = []
    for k in _KOLOMMEN[sleutel]:
        if k.formaat == "geheel":
            uit.append(ho.geheel_kolom(k.bron, k.kop))
        elif k.formaat == "procent":
            uit.append(ho.procent_kolom(k.bron, k.kop))
        elif k.formaat == "datum":
            uit.append(ho.Kolom(k.bron, k.kop, ho.datum))
        else:
            uit.append(ho.Kolom(k.bron, k.kop))
    return uit


def rapport_html(
    tabellen: dict[str, pd.DataFrame],
    *,
    titel: str,
    provincie: str,
    waarschuwingen: list[str] | None = None,
    gemaakt: dt.datetime | None = None,
) -> str:
    """The report page of one provincie as a self-contained HTML document."""
    gemaakt = gemaakt or dt.datetime.now().astimezone()
    o = tabellen["overzicht"]
    perioden = list(dict.fromkeys(tabellen["dossier"]["periode"]))
    treden = o["trede"].value_counts()
    kern = ", ".join(
        f"{aantal(int(treden[t]), 'gemeente', 'gemeenten')} op trede '{t}'"
        for t in tabellen["ladder"]["trede"]
        if t in treden.index and t != "geen"
    )
    onderdelen = {
        "overzicht": "Stand per gemeente",
        "dossier": "Dossier per halfjaar",
        "momentopnamen": "Momentopnamen",
        "ladder": "Interventieladder",
        "toelichting": "Toelichting op de kolommen",
    }
    nav = "".join(f'<a href="#{i}">{ho.esc(t)}</a>' for i, t in onderdelen.items())
    delen = []
    for sleutel, kop in onderdelen.items():
        uitleg = ""
        if sleutel == "overzicht":
            uitleg = (
                f"<p>{ho.esc(kern + '.' if kern else 'Geen gemeente op de interventieladder.')} "
                "Verschoonbaar "
                "(tekort door aanbod) is het deel van de achterstand dat komt doordat het COA "
                "vóór 1 april / 1 oktober te weinig mensen koppelde; het telt niet mee voor de "
                "ladder.</p>"
            )
        delen.append(
            f'<section id="{sleutel}"><h2>{ho.esc(kop)}</h2>{uitleg}'
            + ho.tabel(
                _zonder_na(tabellen[sleutel]),
                _html_kolommen(sleutel),
                id_=f"tabel-{sleutel}",
                klasse="lang" if sleutel in {"dossier", "momentopnamen"} else "",
            )
            + "</section>"
        )
    let_op = "".join(f"<li>{ho.esc(w)}</li>" for w in waarschuwingen or [])
    if let_op:
        delen.insert(0, f'<section id="let-op"><h2>Let op</h2><ul>{let_op}</ul></section>')
    volledig = f"{titel}: toezicht op de taakstelling"
    if provincie != titel:
        volledig += f", {provincie}"
    bereik = f"{perioden[0]} t/m {perioden[-1]}" if perioden else "geen halfjaren"
    kop_html = (
        f'<header><h1>{ho.esc(volledig)}</h1><p class="meta">Halfjaren {ho.esc(bereik)} · '
        f"{aantal(len(o), 'gemeente', 'gemeenten')}</p></header>"
        f'<nav class="inhoud" aria-label="Inhoud">{nav}</nav>'
    )
    voet = (
        f"<footer>Gemaakt met allocatie {ho.esc(VERSIE)} op {gemaakt:%d-%m-%Y %H:%M}. "
        "Regels en bronnen: docs/toezicht.md.</footer>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{ho.esc(volledig)}</title><style>{lees_bron('rapport.css')}</style></head>"
        f"<body>{kop_html}<main>{''.join(delen)}</main>{voet}"
        f"<script>{lees_bron('rapport.js')}</script></body></html>\n"
    )


def bestandsnaam(provincie: str) -> str:
    """A safe file-name stem for a provincie.

    Examples
    --------
    >>> bestandsnaam("Zuid-Holland"), bestandsnaam("Fryslân / PV21")
    ('zuid-holland', 'frysl_n_pv21')
    """
    return re.sub(r"[^a-z0-9-]+", "_", provincie.lower()).strip("_") or "provincie"


def schrijf_toezicht(
    dossier: Dossier,
    map_: Path,
    *,
    titel: str,
    provincies: pd.DataFrame | None = None,
    standaard_provincie: str = "provincie",
    halfjaren: int | None = None,
) -> list[Path]:
    """Write, into the existing folder ``map_``, per provincie ``toezicht_<provincie>.xlsx``
    and ``.html``, and for all gemeenten the CSVs ``dossier.csv``, ``halfjaren.csv``,
    ``momentopnamen.csv`` and ``overzicht.csv``. Returns the files written."""
    geschreven = []
    for naam, tabel in (
        ("dossier.csv", dossier.dossier),
        ("halfjaren.csv", dossier.perioden),
        ("momentopnamen.csv", dossier.momentopnamen),
        ("overzicht.csv", dossier.overzicht(halfjaren)),
        ("realisaties.csv", dossier.realisaties),
    ):
        geschreven.append(schrijf_csv_atomisch(tabel, map_ / naam))
    for provincie, codes in per_provincie(dossier, provincies, standaard_provincie).items():
        tabellen = toezicht_tabellen(dossier, codes, halfjaren)
        stam = f"toezicht_{bestandsnaam(provincie)}"
        _werkboek(tabellen, f"{titel}: {provincie}", map_ / f"{stam}.xlsx")
        pagina = rapport_html(
            tabellen, titel=titel, provincie=provincie, waarschuwingen=dossier.waarschuwingen
        )
        with atomisch_pad(map_ / f"{stam}.html") as tmp:
            tmp.write_text(pagina, encoding="utf-8")
        geschreven += [map_ / f"{stam}.xlsx", map_ / f"{stam}.html"]
    return geschreven

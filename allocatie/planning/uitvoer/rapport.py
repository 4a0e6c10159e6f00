"""The HTML report of a flex plan: the section "Op- en afschalen van flexwonen".

`sectie_flexwonen` is one ``<section>`` built from the round report's
building blocks (`allocatie.reports.htmlopmaak`: Dutch number formats,
sortable tables with raw values in ``data-w``) and styled by its style sheet:
the key figures, each explained in one sentence for a regisseur, the fan
chart and the capacity chart (PNG data URIs), the rolling policy per
half-year (its chart, one sentence on where it scales down, and the table of
`tabellen.rollend_halfjaar_tabel`), the plan's actions and the
modules per region and half-year, the policies compared, the sensitivity
variants, the parameters of the TOML, and the solver and verification line.

`rapport_html` wraps the section in a page with the round report's style
sheet, script and Content-Security-Policy (`allocatie.reports.html.CSP`): the
file refers to nothing outside itself. `schrijf_planrapport` writes it
atomically. All figures come from `allocatie.planning.uitvoer.tabellen`.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from allocatie.io.atomisch import atomisch_pad
from allocatie.kern.taal import aantal, nl_getal
from allocatie.kern.versie import VERSIE
from allocatie.planning.model.uitkomst import BELEIDSTITELS
from allocatie.planning.uitvoer import tabellen as tb
from allocatie.planning.uitvoer.vergelijking import Planvergelijking
from allocatie.reports.html import CSP, lees_bron
from allocatie.reports.htmlopmaak import (
    Kolom,
    als_tekst,
    esc,
    gap_procent,
    geheel,
    geheel_kolom,
    leeg,
    seconden,
    tabel,
)

__all__ = [
    "ONDERDELEN",
    "UITLEG",
    "euro",
    "rapport_html",
    "rollend_afschalen_zin",
    "rollend_zin",
    "scenarios_tekst",
    "schrijf_planrapport",
    "sectie_flexwonen",
    "solverregel",
]

#: Sub-section id -> heading, in page order (the page's navigation).
ONDERDELEN: dict[str, str] = {
    "kerncijfers": "Kerncijfers",
    "waaier": "Achterstand per beleid",
    "capaciteit": "Flexcapaciteit",
    "rollend": "Rollend plannen per halfjaar",
    "acties": "Wat het plan doet",
    "plan": "Modules per regio en halfjaar",
    "beleid": "Beleid vergeleken",
    "verplaatsingen": "Verplaatsingen",
    "businesscase": "Businesscase per flextype",
    "gevoeligheid": "Gevoeligheid",
    "parameters": "Parameters",
    "solver": "Solver en controle",
}

#: The key figures: key, title, one sentence for a regisseur.
UITLEG: tuple[tuple[str, str, str], ...] = (
    (
        "vss",
        "Waarde van het stochastische plan (VSS)",
        "Zoveel bespaart een plan dat met alle scenario's rekening houdt tegenover een plan "
        "dat alleen op het gemiddelde scenario is afgestemd, beide doorgerekend over alle "
        "scenario's.",
    ),
    (
        "waarde_schalen",
        "Waarde van op- en afschalen",
        "Zoveel bespaart het plan tegenover het beste plan dat alleen aan het begin modules "
        "opent en daarna niets meer bestelt, sluit of verplaatst.",
    ),
    (
        "waarde_flex",
        "Waarde van flex",
        "Zoveel bespaart het plan tegenover helemaal geen nieuwe flexmodules: alleen het "
        "reguliere aanbod en de flex die er al staat.",
    ),
    (
        "evpi",
        "Waarde van perfecte informatie (EVPI)",
        "Zoveel zou het hoogstens opleveren om de instroom vooraf precies te kennen; een "
        "kleine waarde betekent dat het plan weinig last heeft van de onzekerheid.",
    ),
)


def euro(v: Any) -> str:
    """An amount in euro, in millions from one million on; '–' when missing.

    Examples
    --------
    >>> euro(1614830318.2), euro(-2600000), euro(12345.6), euro(None)
    ('€ 1.614,8 mln', '−€ 2,6 mln', '€ 12.346', '–')
    """
    if leeg(v):
        return "–"
    x = float(v)
    teken = "−" if x < 0 else ""
    if abs(x) >= 1e6:
        return f"{teken}€ {nl_getal(abs(x) / 1e6, 1)} mln"
    return f"{teken}€ {nl_getal(abs(x))}"


def rollend_zin(rij: Mapping[str, Any]) -> str:
    """One Dutch sentence on a row of `tabellen.rollend_tabel`.

    Examples
    --------
    >>> print(rollend_zin({"titel": "Geen nieuwe flex", "verschil": 2.5e6, "onder": 1.0e6,
    ...                    "boven": 4.0e6, "niveau": 0.95, "scenarios": 100}))  # doctest: +ELLIPSIS
    Rollend plannen tegen Geen nieuwe flex: bespaart € 2,5 mln (95%-interval € 1,0 mln tot ...)
    >>> rollend_zin({"titel": "Statisch", "verschil": -2000.0, "onder": float("nan"),
    ...              "boven": float("nan"), "niveau": 0.95, "scenarios": 1})
    'Rollend plannen tegen Statisch: kost € 2.000 meer (geen interval met 1 scenario)'
    """
    v = float(rij["verschil"])
    wat = f"bespaart {euro(v)}" if v >= 0 else f"kost {euro(-v)} meer"
    n = int(rij["scenarios"])
    if leeg(rij["onder"]) or leeg(rij["boven"]):
        marge = f"geen interval met {scenarios_tekst(n)}"
    else:
        marge = (
            f"{nl_getal(100 * float(rij['niveau']))}%-interval {euro(rij['onder'])} tot "
            f"{euro(rij['boven'])}, gepaard over {scenarios_tekst(n)}"
        )
    return f"Rollend plannen tegen {rij['titel']}: {wat} ({marge})"


def _pct(v: Any) -> str:
    return f"{nl_getal(100 * float(v))}%"


def rollend_afschalen_zin(a: Mapping[str, Any]) -> str:
    """One Dutch sentence on `tabellen.rollend_afschalen`: where the rolling policy scales down.

    Examples
    --------
    >>> print(rollend_afschalen_zin({"kans_sluiten": 0.5625, "gesloten": 41.81,
    ...     "meeste_sluiten": "2030-I", "kans_meeste": 0.5, "kans_eind_lager": 0.4375}))
    In 56% van de scenario's sluit het rollende beleid modules (verwacht 41,8 per scenario), \
de meeste in 2030-I (in 50% van de scenario's); in 44% van de scenario's staan er aan het \
eind minder flexplaatsen dan op het hoogste punt, in de andere groeit de capaciteit of blijft \
ze gelijk.
    >>> print(rollend_afschalen_zin({"kans_sluiten": 0.0, "gesloten": 0.0,
    ...     "meeste_sluiten": "P0", "kans_meeste": 0.0, "kans_eind_lager": 0.0}))
    Het rollende beleid sluit in geen enkel scenario modules; in 0% van de scenario's staan er \
aan het eind minder flexplaatsen dan op het hoogste punt, in de andere groeit de capaciteit \
of blijft ze gelijk.
    """
    if a["kans_sluiten"] > 0:
        sluiten = (
            f"In {_pct(a['kans_sluiten'])} van de scenario's sluit het rollende beleid modules "
            f"(verwacht {nl_getal(float(a['gesloten']), 1)} per scenario), de meeste in "
            f"{a['meeste_sluiten']} (in {_pct(a['kans_meeste'])} van de scenario's)"
        )
    else:
        sluiten = "Het rollende beleid sluit in geen enkel scenario modules"
    return (
        f"{sluiten}; in {_pct(a['kans_eind_lager'])} van de scenario's staan er aan het eind "
        "minder flexplaatsen dan op het hoogste punt, in de andere groeit de capaciteit of "
        "blijft ze gelijk."
    )


def scenarios_tekst(n: int) -> str:
    """'1 scenario', '6 scenario's'."""
    return aantal(n, "scenario", "scenario's")


def _euro_kolom(bron: str, kop: str) -> Kolom:
    return Kolom(bron, kop, euro, True)


def _png(data: bytes | None, alt: str, bijschrift: str) -> str:
    if data is None:
        return ""
    b64 = base64.b64encode(data).decode("ascii")
    return (
        f'<figure class="statisch"><img alt="{esc(alt)}" src="data:image/png;base64,{b64}">'
        f"<figcaption>{esc(bijschrift)}</figcaption></figure>"
    )


def _kop(id_: str) -> str:
    return f'<h3 id="{id_}">{esc(ONDERDELEN[id_])}</h3>'


def _kerncijfers(vgl: Planvergelijking) -> str:
    s = vgl.stochastisch
    k = tb.kerncijfers(vgl)
    eind = tb.beleid_rij(s, vgl.instantie)
    vakjes = [
        (
            "Kosten van het plan",
            euro(s.doel),
            f"{'verwacht' if vgl.instantie.risico.maat == 'verwachting' else 'doel (CVaR-mix)'}"
            f" over {scenarios_tekst(len(s.kansen))}",
        ),
        (
            "Achterstand aan het eind",
            geheel(eind["achterstand_eind_p50"]),
            f"personen (mediaan); 90e percentiel {geheel(eind['achterstand_eind_p90'])}",
        ),
        ("Modules besteld", geheel(eind["modules_besteld"]), "nieuwe flexmodules in het plan"),
    ] + [(titel, euro(k[sleutel]), "") for sleutel, titel, _ in UITLEG if k[sleutel] is not None]
    kaartjes = "".join(
        f'<div class="kaartje" data-sleutel="{esc(t)}"><div class="kop">{esc(t)}</div>'
        f'<div class="getal">{esc(a)}</div><div class="sub">{esc(b)}</div></div>'
        for t, a, b in vakjes
    )
    uitleg = "".join(
        f"<dt>{esc(titel)}: {esc(euro(k[sleutel]))}</dt><dd>{esc(zin)}</dd>"
        for sleutel, titel, zin in UITLEG
        if k[sleutel] is not None
    )
    rol = tb.rollend_tabel(vgl)
    if len(rol):
        uitleg += (
            "<dt>Waarde van rollend plannen</dt><dd>Het rollende beleid plant elk halfjaar "
            "opnieuw op wat er tot dan toe gebeurd is (bestellingen onderweg, leeftijd van "
            "de modules, verplaatsingen) en het gemiddelde voor de rest, en voert alleen de "
            "beslissingen van dat halfjaar uit. Verschil in verwachte kosten per scenario, "
            "met een t-interval over de scenario's:<ul>"
            + "".join(f"<li>{esc(rollend_zin(r))}</li>" for r in rol.to_dict(orient="records"))
            + "</ul></dd>"
        )
    return (
        f'{_kop("kerncijfers")}<div class="kaartjes">{kaartjes}</div>'
        f'<dl class="gemeenteverklaring">{uitleg}</dl>'
    )


def _plan_pivot(plan: pd.DataFrame, perioden: list[str]) -> str:
    """Modules available per region and flex type (rows) and half-year (columns)."""
    p = plan.pivot_table(
        index=["regio", "flextype"], columns="periode", values="beschikbaar", sort=False
    )
    p = p[perioden]
    p = p[(p > 0).any(axis=1)].reset_index()
    if p.empty:
        return "<p>Het plan heeft in geen enkele regio flexmodules.</p>"
    kolommen = [Kolom("regio", "Regio"), Kolom("flextype", "Flextype")] + [
        geheel_kolom(t, t) for t in perioden
    ]
    totaal = plan.groupby("periode", sort=False)["plaatsen"].sum()
    voet = ["Plaatsen", "alle typen", *(geheel(totaal[t]) for t in perioden)]
    return tabel(
        p,
        kolommen,
        id_="tabel-plan",
        voet=voet,
        bijschrift="Beschikbare modules in het stochastische plan; onderaan het totaal aan "
        "plaatsen (personen).",
    )


_ACTIEKOLOMMEN = [
    Kolom("periode", "Halfjaar"),
    Kolom("regio", "Regio"),
    Kolom("flextype", "Flextype"),
    Kolom("actie", "Actie"),
    geheel_kolom("modules", "Modules"),
    geheel_kolom("plaatsen", "Plaatsen"),
    Kolom("beschikbaar_vanaf", "Beschikbaar vanaf (sluiten: weg in)"),
]

_VERPLAATSKOLOMMEN = [
    Kolom("titel", "Beleid"),
    Kolom("flextype", "Flextype"),
    Kolom("van", "Van regio"),
    Kolom("naar", "Naar regio"),
    Kolom("vertrek", "Vertrek"),
    Kolom("aankomst", "Beschikbaar vanaf"),
    Kolom("modules", "Modules (verwacht)", lambda v: nl_getal(float(v), 1), True),
    Kolom("kans", "Kans", lambda v: f"{nl_getal(100 * float(v))}%", True),
]


def _een_decimaal(v: Any) -> str:
    return nl_getal(float(v), 1)


_ROLLENDKOLOMMEN = [
    Kolom("periode", "Halfjaar"),
    geheel_kolom("plaatsen_p5", "Plaatsen 5%"),
    geheel_kolom("plaatsen_p25", "25%"),
    geheel_kolom("plaatsen_p50", "Mediaan"),
    geheel_kolom("plaatsen_p75", "75%"),
    geheel_kolom("plaatsen_p95", "95%"),
    geheel_kolom("plaatsen_gemiddeld", "Gemiddeld"),
    Kolom("besteld", "Besteld", _een_decimaal, True),
    Kolom("geleverd", "Nieuw beschikbaar", _een_decimaal, True),
    Kolom("gesloten", "Gesloten", _een_decimaal, True),
    Kolom("verplaatst", "Verplaatst", _een_decimaal, True),
    Kolom("kans_sluiten", "Scenario's die sluiten", _pct, True),
    Kolom("kans_daling", "Scenario's met minder plaatsen", _pct, True),
]


def _rollend(vgl: Planvergelijking, png: bytes | None) -> str:
    """The sub-section on the rolling policy per half-year (or why it is empty)."""
    a = tb.rollend_afschalen(vgl)
    if a is None:
        return (
            '<p>Het rollende beleid is niet doorgerekend. Zet "rollend" in '
            "<code>[beleid] vergelijk</code> of gebruik <code>--rollend</code>.</p>"
        )
    return (
        f"<p>{esc(rollend_afschalen_zin(a))}</p>"
        + _png(
            png,
            "Rollend plannen: landelijke flexplaatsen en modules per halfjaar",
            "Boven de landelijke flexplaatsen van het rollende beleid over de scenario's "
            "(mediaan, banden 25-75% en 5-95%, elk scenario als dunne lijn), onder per halfjaar "
            "de modules die nieuw beschikbaar komen (omhoog) en die sluiten of naar een andere "
            "regio gaan (omlaag): waar de lijnen dalen en de rode balken staan, schaalt het "
            "beleid af. Dezelfde figuur als rollend.png.",
        )
        + tabel(
            tb.rollend_halfjaar_tabel(vgl),
            _ROLLENDKOLOMMEN,
            id_="tabel-rollend-halfjaar",
            bijschrift="Per halfjaar de landelijke flexplaatsen over de scenario's "
            "(percentielen en gemiddelde), het verwachte aantal modules per scenario dat "
            "besteld wordt, nieuw beschikbaar komt, sluit of naar een andere regio vertrekt, "
            "en het aandeel van de scenario's waarin modules sluiten en waarin er minder "
            "plaatsen zijn dan het halfjaar ervoor; dezelfde cijfers als rollend_halfjaar.csv.",
        )
    )


_BUSINESSCASEKOLOMMEN = [
    Kolom("titel", "Beleid"),
    Kolom("flextype", "Flextype"),
    geheel_kolom("modules_besteld", "Besteld"),
    Kolom("verplaatsingen", "Verplaatst", lambda v: nl_getal(float(v), 1), True),
    geheel_kolom("module_halfjaren", "Module-halfjaren"),
    _euro_kolom("openen", "Openen"),
    _euro_kolom("exploitatie", "Exploitatie"),
    _euro_kolom("sluiten", "Sluiten"),
    _euro_kolom("verkoopwaarde", "Verkoopwaarde"),
    _euro_kolom("verplaatsen_bruto", "Verplaatsen"),
    _euro_kolom("subsidie", "Subsidie herplaatsing"),
    _euro_kolom("restwaarde", "Restwaarde"),
    _euro_kolom("netto", "Netto"),
    _euro_kolom("netto_per_bewoner_halfjaar", "Netto per bewoner-halfjaar"),
    _euro_kolom("kosten_per_plaats_per_jaar", "Per plaats per jaar (termijn)"),
]

_BELEIDKOLOMMEN = [
    Kolom("titel", "Beleid"),
    _euro_kolom("doel", "Doel"),
    _euro_kolom("verschil_doel", "Verschil met het plan"),
    _euro_kolom("cvar_90", "CVaR 90%"),
    _euro_kolom("kosten_eerste_fase", "Flex (eerste fase)"),
    _euro_kolom("kosten_tweede_fase", "Wachten (tweede fase)"),
    geheel_kolom("wachttijd", "Wachttijd (persoon-halfjaren)"),
    geheel_kolom("achterstand_eind_p50", "Achterstand eind: mediaan"),
    geheel_kolom("achterstand_eind_p90", "Achterstand eind: 90e pct."),
    geheel_kolom("modules_besteld", "Modules besteld"),
]

_GEVOELIGHEIDKOLOMMEN = [
    Kolom("variant", "Variant"),
    _euro_kolom("doel", "Doel"),
    _euro_kolom("verschil_doel", "Verschil met basis"),
    geheel_kolom("wachttijd", "Wachttijd (persoon-halfjaren)"),
    geheel_kolom("achterstand_eind_p50", "Achterstand eind: mediaan"),
    geheel_kolom("modules_besteld", "Modules besteld"),
    geheel_kolom("verschil_modules", "Verschil modules"),
    Kolom("status", "Status"),
    Kolom("gap", "Gap", gap_procent, True),
]


def _parameters(ruw: Mapping[str, Any]) -> str:
    p = tb.parameters_tabel(ruw)
    if p.empty:
        return "<p>Geen parameters bekend (plan niet uit een TOML-bestand gelezen).</p>"

    def opmaak(parameter: str, w: Any) -> str:
        if isinstance(w, bool) or not isinstance(w, int | float):
            return als_tekst(w)
        if float(w).is_integer():
            return str(int(w)) if parameter.endswith("seed") else nl_getal(float(w))
        return f"{float(w):.10g}".replace(".", ",")

    rijen = "".join(
        f'<tr><td class="kort">{esc(r.onderdeel)}</td><td class="kort">{esc(r.parameter)}'
        f"</td><td>{esc(opmaak(str(r.parameter), r.waarde))}</td></tr>"
        for r in p.itertuples(index=False)
    )
    return (
        '<div class="tabelvak"><table id="tabel-parameters"><thead><tr><th scope="col">'
        'Onderdeel</th><th scope="col">Parameter</th><th scope="col">Waarde</th></tr></thead>'
        f"<tbody>{rijen}</tbody></table></div>"
    )


def solverregel(vgl: Planvergelijking, controle: str) -> str:
    """One Dutch line on how the stochastic plan was found and checked."""
    s = vgl.stochastisch
    o = vgl.opgelost.get("stochastisch")
    methode = "" if o is None else f"{'Benders' if o.methode == 'benders' else 'extensieve vorm'}, "
    return (
        f"Stochastisch plan: {s.solver} ({methode}status {s.status.value}, gap "
        f"{gap_procent(s.gap)}); alles samen {seconden(vgl.tijd_s)} op "
        f"{aantal(vgl.workers, 'worker', 'workers')} ({vgl.pad}). {controle}"
    )


def _solver(vgl: Planvergelijking, beleid: pd.DataFrame, controle: str) -> str:
    kolommen = [
        Kolom("titel", "Beleid"),
        Kolom("solver", "Solver"),
        Kolom("methode", "Methode"),
        Kolom("status", "Status"),
        _euro_kolom("grens", "Ondergrens (bewezen)"),
        Kolom("gap", "Gap", gap_procent, True),
        Kolom("tijd_s", "Rekentijd", seconden, True),
    ]
    return f"<p>{esc(solverregel(vgl, controle))}</p>" + tabel(
        beleid,
        kolommen,
        id_="tabel-solver",
        bijschrift="Per beleid hoe het plan is gevonden. Geen nieuwe flex en perfecte "
        "informatie zijn geen optimalisatie over alle scenario's samen: zonder grens en gap.",
    )


def sectie_flexwonen(
    vgl: Planvergelijking,
    *,
    waaier_png: bytes | None = None,
    capaciteit_png: bytes | None = None,
    rollend_png: bytes | None = None,
    ruw: Mapping[str, Any] | None = None,
    controle: str = "",
    gevoeligheid: pd.DataFrame | None = None,
) -> str:
    """The section "Op- en afschalen van flexwonen" as HTML (see the module docstring)."""
    plan = tb.plan_tabel(vgl)
    beleid = tb.beleid_tabel(vgl)
    gev = tb.gevoeligheid_tabel(vgl) if gevoeligheid is None else gevoeligheid
    acties = tb.acties_tabel(plan, vgl.instantie)
    verpl = tb.verplaatsingen_tabel(vgl)
    perioden = list(vgl.instantie.perioden)
    delen = [
        "<p>Hoeveel flexibele woonmodules waar en wanneer openen, sluiten of verplaatsen, zo "
        "dat vergunninghouders niet jaren wachten en er geen geld naar lege plaatsen gaat; "
        f"getoetst aan {scenarios_tekst(len(vgl.stochastisch.kansen))} "
        "van de instroom. Bedragen zijn euro's, personen verwachte aantallen.</p>",
        _kerncijfers(vgl),
        _kop("waaier"),
        _png(
            waaier_png,
            "Waaierdiagram: landelijke achterstand per halfjaar per beleid",
            "Mediaan (lijn) en de banden 25-75% en 5-95% van de scenario's; dezelfde figuur "
            "als waaier.png.",
        ),
        _kop("capaciteit"),
        _png(
            capaciteit_png,
            "Beschikbare flexplaatsen per halfjaar per plan, gestapeld per flextype",
            "Plaatsen per flextype en de verwachte bezetting; dezelfde figuur als capaciteit.png.",
        ),
        _kop("rollend"),
        _rollend(vgl, rollend_png),
        _kop("acties"),
        tabel(acties, _ACTIEKOLOMMEN, id_="tabel-acties")
        if len(acties)
        else "<p>Het plan bestelt, sluit en verplaatst niets.</p>",
        _kop("plan"),
        _plan_pivot(plan, perioden),
        _kop("beleid"),
        tabel(
            beleid,
            _BELEIDKOLOMMEN,
            id_="tabel-beleid",
            bijschrift="Elk beleid doorgerekend over dezelfde scenario's. Perfecte informatie "
            "kent per scenario de toekomst: een ondergrens, geen uitvoerbaar plan.",
        ),
        _kop("verplaatsingen"),
        tabel(
            verpl,
            _VERPLAATSKOLOMMEN,
            id_="tabel-verplaatsingen",
            bijschrift="Elke verplaatsing met regio van herkomst en bestemming; bij het "
            "rollende beleid het verwachte aantal modules en de kans dat de verplaatsing "
            "gebeurt (het aandeel van de scenario's).",
        )
        if len(verpl)
        else "<p>Geen enkel beleid verplaatst modules.</p>",
        _kop("businesscase"),
        tabel(
            tb.businesscase_tabel(vgl),
            _BUSINESSCASEKOLOMMEN,
            id_="tabel-businesscase",
            bijschrift="Kosten van de modules per beleid en flextype binnen de horizon, "
            "verwacht over de scenario's (elementen van het Rekenmodel flexwonen: investering, "
            "exploitatie, verplaatsen min de tegemoetkoming herplaatsing, restwaarde). De "
            "laatste kolom: (openen − restwaarde) afgeschreven over de exploitatietermijn plus "
            "exploitatie, per plaats per jaar.",
        ),
        _kop("gevoeligheid"),
        tabel(
            gev,
            _GEVOELIGHEIDKOLOMMEN,
            id_="tabel-gevoeligheid",
            bijschrift="Het stochastische plan opnieuw gemaakt met één parameter anders. "
            "Kosten gelden onder de eigen parameters van de variant.",
        )
        if len(gev) > 1
        else "<p>Geen gevoeligheidsvarianten in de configuratie.</p>",
        _kop("parameters"),
        _parameters(ruw or {}),
        _kop("solver"),
        _solver(vgl, beleid, controle),
    ]
    return (
        '<section id="flexwonen"><h2>Op- en afschalen van flexwonen</h2>'
        + "".join(delen)
        + "</section>"
    )


def rapport_html(
    vgl: Planvergelijking,
    *,
    naam: str = "Flexplan",
    waaier_png: bytes | None = None,
    capaciteit_png: bytes | None = None,
    rollend_png: bytes | None = None,
    ruw: Mapping[str, Any] | None = None,
    controle: str = "",
    gevoeligheid: pd.DataFrame | None = None,
    gemaakt: dt.datetime | None = None,
) -> str:
    """The plan's report as one self-contained HTML document (a string)."""
    gemaakt = gemaakt or dt.datetime.now().astimezone()
    perioden = vgl.instantie.perioden
    titel = f"{naam}: op- en afschalen van flexwonen"
    regios = aantal(len(vgl.instantie.regios), "regio", "regio's")
    nav = "".join(f'<a href="#{i}">{esc(t)}</a>' for i, t in ONDERDELEN.items())
    beleid = ", ".join(
        BELEIDSTITELS.get(b, b).lower() for b in vgl.uitkomsten if b != "stochastisch"
    )
    kop = (
        f'<header><h1>{esc(titel)}</h1><p class="meta">Halfjaren {esc(perioden[0])} t/m '
        f"{esc(perioden[-1])} · {regios} · {scenarios_tekst(len(vgl.stochastisch.kansen))}"
        f" · vergeleken met: {esc(beleid or 'niets')}</p></header>"
        f'<nav class="inhoud" aria-label="Inhoud">{nav}</nav>'
    )
    sectie = sectie_flexwonen(
        vgl,
        waaier_png=waaier_png,
        capaciteit_png=capaciteit_png,
        rollend_png=rollend_png,
        ruw=ruw,
        controle=controle,
        gevoeligheid=gevoeligheid,
    )
    voet = f"<footer>Gemaakt met allocatie {esc(VERSIE)} op {gemaakt:%d-%m-%Y %H:%M}.</footer>"
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="allocatie {esc(VERSIE)}">'
        f"<title>{esc(titel)}</title><style>{lees_bron('rapport.css')}</style></head>"
        f"<body>{kop}<main>{sectie}</main>{voet}"
        f"<script>{lees_bron('rapport.js')}</script></body></html>\n"
    )


def schrijf_planrapport(vgl: Planvergelijking, pad: str | Path, **opties: Any) -> Path:
    """Write `rapport_html` (same keyword arguments) to ``pad`` atomically."""
    pad = Path(pad)
    tekst = rapport_html(vgl, **opties)
    with atomisch_pad(pad) as tmp:
        tmp.write_text(tekst, encoding="utf-8")
    return pad

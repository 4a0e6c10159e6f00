"""The HTML report of a round: one self-contained file a regisseur opens or prints.

`schrijf_rapport` writes ``rapport.html`` with the summary (round, period,
preset, placed and unplaced households and persons, shortfall, solver status
and gap per level), an interactive map (inline SVG with tooltips, zoom and
pan), the static map (`allocatie.reports.kaart`, embedded as a PNG data URI),
the table per gemeente, the flexible sites, fairness figures (shortfall per
gemeente and per region against opgave and population, with a bar chart), the
explanations (per gemeente with a shortfall, per unplaced household, and for
every household in a collapsible table) and the parameters and model figures.

The file refers to nothing outside itself: the style sheet and the small
script are inline, the image is a data URI, and a Content-Security-Policy
forbids the browser to load anything else. All figures come from
`allocatie.reports.overzicht`, like the workbook's. Text is Dutch; the page
prints on A4 (navigation and controls hidden, collapsed tables opened).
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import allocatie
from allocatie.instance import Instance
from allocatie.io.atomisch import atomisch_pad
from allocatie.reports import overzicht as ov
from allocatie.reports.kaart import FLEX_KLEUR, KLASSEN, teken_kaart
from allocatie.reports.svgkaart import kaart_svg, staafdiagram_svg
from allocatie.result import AllocationResult
from allocatie.taal import huishoudens, nl_getal, personen

__all__ = ["SECTIES", "schrijf_rapport"]

#: Section id -> heading, in page order.
SECTIES: dict[str, str] = {
    "samenvatting": "Samenvatting",
    "kaart": "Kaart",
    "gemeenten": "Per gemeente",
    "flexlocaties": "Flexlocaties",
    "eerlijkheid": "Eerlijkheid",
    "verklaring": "Verklaring",
    "parameters": "Parameters",
    "solver": "Model en solver",
}
#: Charts show at most this many bars; the tables show everything.
MAX_STAVEN = 25
#: Colours of the shortfall segments: caused by the gemeente's own supply, and the rest.
KLEUR_DOOR_AANBOD = "#b2182b"
KLEUR_OVERIG_TEKORT = "#f4a582"
#: Content-Security-Policy: nothing may be loaded from anywhere; inline style/script only.
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)


def _bron(naam: str) -> str:
    return (files("allocatie.reports") / naam).read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------


def _e(tekst: object) -> str:
    return escape(str(tekst), quote=True)


def _leeg(v: Any) -> bool:
    return v is None or v is pd.NaT or (isinstance(v, float) and not math.isfinite(v))


def _geheel(v: Any) -> str:
    return "–" if _leeg(v) else nl_getal(float(v))


def _procent(v: Any, decimalen: int = 1) -> str:
    return "–" if _leeg(v) else f"{nl_getal(100 * float(v), decimalen)}%"


def _gap(v: Any) -> str:
    return "onbekend" if _leeg(v) else f"{nl_getal(100 * float(v), 3)}%"


def _decimaal(v: Any, decimalen: int = 2) -> str:
    return "–" if _leeg(v) else nl_getal(float(v), decimalen)


def _datum(v: Any) -> str:
    return "–" if _leeg(v) or pd.isna(v) else pd.Timestamp(v).strftime("%d-%m-%Y")


def _seconden(v: Any) -> str:
    if _leeg(v):
        return "–"
    return "< 0,01 s" if 0 < float(v) < 0.005 else f"{nl_getal(float(v), 2)} s"


def _minuten(v: Any) -> str:
    return "–" if _leeg(v) else f"{nl_getal(float(v))} min"


def _tekst(v: Any) -> str:
    return "" if _leeg(v) else str(v)


def _getalcel(v: Any, tekst: str) -> str:
    """A numeric cell: right-aligned, the raw value in ``data-w`` ('' when missing)."""
    ruw = "" if _leeg(v) else f"{float(v):.10g}"
    return f'<td class="n" data-w="{ruw}">{_e(tekst)}</td>'


@dataclass(frozen=True)
class Kolom:
    """A column of an HTML table: source column, header, formatter, numeric or not."""

    bron: str
    kop: str
    opmaak: Callable[[Any], str] = _tekst
    getal: bool = False
    breed: bool = False


def _g(bron: str, kop: str) -> Kolom:
    return Kolom(bron, kop, _geheel, True)


def _p(bron: str, kop: str) -> Kolom:
    return Kolom(bron, kop, _procent, True)


def _tabel(
    df: pd.DataFrame,
    kolommen: Sequence[Kolom],
    *,
    id_: str,
    rij_id: tuple[str, str] | None = None,
    voet: Sequence[str] | None = None,
    klasse: str = "",
    bijschrift: str | None = None,
) -> str:
    """An HTML table; numeric cells carry their raw value in ``data-w`` (sorting, tests).

    ``rij_id`` = (prefix, column) gives each row the id ``<prefix>-<value>``.
    """
    kop = "".join(
        f'<th scope="col"{" class=n" if k.getal else ""}>{_e(k.kop)}</th>' for k in kolommen
    )
    rijen = []
    for r in df.to_dict(orient="records"):
        cellen = []
        for k in kolommen:
            v = r.get(k.bron)
            if k.getal:
                cellen.append(_getalcel(v, k.opmaak(v)))
            else:
                klasse_ = ' class="breed"' if k.breed else ""
                cellen.append(f"<td{klasse_}>{_e(k.opmaak(v))}</td>")
        attr = f' id="{_e(rij_id[0])}-{_e(r[rij_id[1]])}"' if rij_id else ""
        rijen.append(f"<tr{attr}>{''.join(cellen)}</tr>")
    tfoot = ""
    if voet is not None:
        tfoot = (
            "<tfoot><tr>"
            + "".join(
                f"<td{' class=n' if k.getal else ''}>{_e(t)}</td>"
                for k, t in zip(kolommen, voet, strict=True)
            )
            + "</tr></tfoot>"
        )
    cap = f"<caption>{_e(bijschrift)}</caption>" if bijschrift else ""
    return (
        f'<div class="tabelvak {klasse}"><table id="{_e(id_)}" class="sorteerbaar">{cap}'
        f"<thead><tr>{kop}</tr></thead><tbody>{''.join(rijen)}</tbody>{tfoot}</table></div>"
    )


def _sectie(id_: str, inhoud: str) -> str:
    return f'<section id="{id_}"><h2>{_e(SECTIES[id_])}</h2>{inhoud}</section>'


# --------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------


def _samenvatting(inst: Instance, res: AllocationResult, k: dict[str, Any]) -> str:
    vakjes = [
        (
            "Geplaatst",
            nl_getal(k["personen_geplaatst"]),
            f"personen in {huishoudens(k['huishoudens_geplaatst'])}",
        ),
        (
            "Onbediend",
            nl_getal(k["personen_onbediend"]),
            f"personen in {huishoudens(k['huishoudens_onbediend'])}",
        ),
        (
            "Resterende opgave",
            nl_getal(k["opgave"]),
            f"personen (taakstelling {nl_getal(k['taakstelling'])})",
        ),
        (
            "Tekort",
            nl_getal(k["tekort"]),
            f"personen, in {nl_getal(k['gemeenten_met_tekort'])} van "
            f"{nl_getal(k['gemeenten'])} gemeenten",
        ),
        ("Overvulling", nl_getal(k["overvulling"]), "personen boven de opgave"),
        ("Solver", res.status.value, f"gap {_gap(res.gap)} · {_seconden(res.wall_s)}"),
    ]
    kaartjes = "".join(
        f'<div class="kaartje" data-sleutel="{_e(t)}"><div class="kop">{_e(t)}</div>'
        f'<div class="getal">{_e(a)}</div><div class="sub">{_e(b)}</div></div>'
        for t, a, b in vakjes
    )
    zin = (
        f"In deze ronde zijn {huishoudens(k['huishoudens_geplaatst'])} "
        f"({personen(k['personen_geplaatst'])}) geplaatst van de "
        f"{huishoudens(k['huishoudens'])} ({personen(k['personen'])}) die wachten. "
        f"Op de taakstellingen blijft een tekort van {personen(k['tekort'])}, waarvan "
        f"{nl_getal(k['tekort_door_aanbod'])} doordat gemeenten te weinig eigen aanbod hebben. "
        f"Het grootste vermijdbare relatieve tekort van een gemeente (eerlijkheid) is "
        f"{_procent(k['eerlijkheid'])}."
    )
    signalen = ""
    if res.signalen:
        signalen = (
            '<div class="signalen"><h3>Signalen vóór het oplossen</h3><ul>'
            + "".join(f"<li>{_e(s)}</li>" for s in res.signalen)
            + "</ul></div>"
        )
    niveaus = ov.niveaus_tabel(res)
    niveaus.insert(0, "volgorde", range(1, len(niveaus) + 1))
    niveaus["omschrijving"] = [ov.NIVEAUS.get(n, ("", ""))[0] for n in niveaus["niveau"]]
    eenheid = {n: ov.NIVEAUS.get(n, ("", ""))[1] for n in niveaus["niveau"]}

    rijen = []
    for r in niveaus.to_dict(orient="records"):
        opmaak = _procent if eenheid[r["niveau"]] == "aandeel" else _decimaal
        cellen = [
            _getalcel(r["volgorde"], str(r["volgorde"])),
            f"<td>{_e(r['niveau'])}</td>",
            f"<td>{_e(r['omschrijving'])}</td>",
            f'<td class="status-{_e(r["status"])}">{_e(r["status"])}</td>',
            _getalcel(r["waarde"], opmaak(r["waarde"])),
            _getalcel(r["grens"], opmaak(r["grens"])),
            _getalcel(r["gap"], _gap(r["gap"])),
            _getalcel(r["tijd_s"], _seconden(r["tijd_s"])),
        ]
        rijen.append(f"<tr>{''.join(cellen)}</tr>")
    niveautabel = (
        '<div class="tabelvak"><table id="tabel-niveaus"><caption>Doelniveaus, '
        "lexicografisch: elk niveau is opgelost en daarna vastgehouden</caption><thead><tr>"
        + "".join(
            f'<th scope="col"{" class=n" if n else ""}>{t}</th>'
            for t, n in (
                ("#", True),
                ("Niveau", False),
                ("Omschrijving", False),
                ("Status", False),
                ("Waarde", True),
                ("Grens", True),
                ("Gap", True),
                ("Rekentijd", True),
            )
        )
        + f"</tr></thead><tbody>{''.join(rijen)}</tbody></table></div>"
    )
    return _sectie(
        "samenvatting",
        f'<div class="kaartjes">{kaartjes}</div><p>{_e(zin)}</p>{signalen}{niveautabel}',
    )


def _legenda(gemeenten: pd.DataFrame, heeft_flex: bool) -> str:
    aantallen = gemeenten["klasse"].value_counts()
    items = []
    for i, kl in enumerate(KLASSEN):
        stijl = (
            f"background:{kl.kleur}"
            if not kl.arcering
            else f"background:repeating-linear-gradient(45deg,{kl.kleur} 0 3px,#9a9a9a 3px 4px)"
        )
        items.append(
            f'<li><i class="vakje" style="{stijl}"></i>{_e(kl.label)}: '
            f"{int(aantallen.get(i, 0))}</li>"
        )
    flex = ""
    if heeft_flex:
        flex = (
            '<p class="legendakop">Flexlocaties</p><ul class="legenda"><li>'
            f'<i class="rondje" style="background:{FLEX_KLEUR}"></i>schijf: personen geplaatst'
            '</li><li><i class="rondje ring"></i>ring: capaciteit</li></ul>'
            '<p class="uitleg">Oppervlak van schijf en ring ~ personen.</p>'
        )
    return (
        '<p class="legendakop">Geplaatst als deel van de opgave (aantal gemeenten)</p>'
        f'<ul class="legenda">{"".join(items)}</ul>{flex}'
    )


def _kaart(inst: Instance, gemeenten: pd.DataFrame, flex: pd.DataFrame, png: bytes | None) -> str:
    g = gemeenten.join(inst.gemeenten.set_index("gemeente_code")[["x", "y"]], on="gemeente_code")
    grenzen = None if inst.grenzen is None else list(inst.grenzen.to_numpy())
    svg = kaart_svg(g, grenzen, flex)
    interactief = (
        '<figure class="kaartfiguur"><div class="kaartvak" tabindex="0" '
        'aria-label="Interactieve kaart: beweeg over een gemeente voor de cijfers; '
        'klik om naar haar rij in de tabel te gaan">'
        '<div class="knoppen alleen-scherm">'
        '<button type="button" data-zoom="in" title="Inzoomen">+</button>'
        '<button type="button" data-zoom="uit" title="Uitzoomen">−</button>'
        '<button type="button" data-zoom="reset" title="Hele kaart">⟲</button></div>'
        f'{svg}<div class="tooltip" role="status"></div></div>'
        f'<div class="kaartzijde">{_legenda(gemeenten, len(flex) > 0)}'
        '<figcaption class="uitleg">Bij elke gemeente: naam en geplaatst / opgave (personen). '
        "Beweeg over een gemeente of flexlocatie voor alle cijfers; klik op een gemeente voor "
        "haar rij in de tabel. Zoomen met de knoppen, dubbelklikken, Ctrl + scrollwiel of + en "
        "− (na een klik op de kaart); slepen verschuift de kaart.</figcaption></div></figure>"
    )
    statisch = ""
    if png is not None:
        data = base64.b64encode(png).decode("ascii")
        statisch = (
            '<figure class="statisch"><img alt="Kaart: vervulling van de opgave per gemeente '
            f'en bezetting van de flexlocaties" src="data:image/png;base64,{data}">'
            "<figcaption>Dezelfde kaart als kaart.png, voor afdrukken en presentaties."
            "</figcaption></figure>"
        )
    return _sectie("kaart", interactief + statisch)


_GEMEENTEKOLOMMEN = [
    Kolom("gemeente_code", "Code"),
    Kolom("gemeente_naam", "Gemeente"),
    _g("taakstelling", "Taakstelling"),
    _g("achterstand", "Achterstand"),
    _g("voorsprong", "Voorsprong"),
    _g("gerealiseerd", "Gerealiseerd"),
    _g("opgave", "Opgave"),
    _g("geplaatst", "Geplaatst"),
    _g("tekort", "Tekort"),
    _p("relatief_tekort", "Tekort %"),
    _g("overvulling", "Overvulling"),
    _g("saldo", "Saldo"),
    Kolom("status", "Status tegenover de taak", breed=True),
]


def _gemeenten(gemeenten: pd.DataFrame) -> str:
    som = {k.bron: int(gemeenten[k.bron].sum()) for k in _GEMEENTEKOLOMMEN if k.getal}
    opgave = som["opgave"]
    som_tekst = [
        "",
        "Totaal",
        *(
            _procent(gemeenten["tekort"].sum() / opgave if opgave else 0.0)
            if k.bron == "relatief_tekort"
            else _geheel(som[k.bron])
            for k in _GEMEENTEKOLOMMEN[2:-1]
        ),
        "",
    ]
    uitleg = (
        "<p>Opgave = taakstelling + achterstand − voorsprong − al gerealiseerd. Saldo is wat "
        "naar de volgende periode gaat: positief een achterstand, negatief een voorsprong."
        '<span class="alleen-scherm"> Klik op een kolomkop om te sorteren.</span></p>'
    )
    return _sectie(
        "gemeenten",
        uitleg
        + _tabel(
            gemeenten,
            _GEMEENTEKOLOMMEN,
            id_="tabel-gemeenten",
            rij_id=("g", "gemeente_code"),
            voet=som_tekst,
        ),
    )


_FLEXKOLOMMEN = [
    Kolom("aanbod_id", "Locatie"),
    Kolom("naam", "Naam"),
    Kolom("gemeente_naam", "Gemeente"),
    _g("eenheden_totaal", "Eenheden totaal"),
    _g("eenheden", "Voor vergunninghouders"),
    _g("eenheden_gebruikt", "Eenheden bezet"),
    _g("capaciteit_personen", "Capaciteit (personen)"),
    _g("personen", "Geplaatst (personen)"),
    _p("bezetting", "Bezetting"),
    _p("aandeel_vh", "Aandeel vergunninghouders"),
    _p("max_aandeel_vh", "Max. aandeel"),
    Kolom("beschikbaar", "Beschikbaar"),
]


def _flexlocaties(flex: pd.DataFrame) -> str:
    if flex.empty:
        return _sectie("flexlocaties", "<p>Deze ronde heeft geen flexlocaties.</p>")
    uitleg = (
        f"<p>{nl_getal(int(flex['personen'].sum()))} van "
        f"{nl_getal(int(flex['capaciteit_personen'].sum()))} plaatsen bezet. Het aandeel "
        "vergunninghouders is het deel van alle eenheden van de locatie dat zij innemen "
        "(mix-wonen); het maximum staat per locatie vast.</p>"
    )
    flex = flex.assign(
        beschikbaar=[
            f"vanaf {_datum(a)}" if _leeg(b) or pd.isna(b) else f"{_datum(a)} – {_datum(b)}"
            for a, b in zip(flex["beschikbaar_vanaf"], flex["beschikbaar_tot"], strict=True)
        ]
    )
    return _sectie("flexlocaties", uitleg + _tabel(flex, _FLEXKOLOMMEN, id_="tabel-flex"))


_REGIOKOLOMMEN = [
    Kolom("regio_code", "Regio"),
    _g("gemeenten", "Gemeenten"),
    _g("gemeenten_met_tekort", "Met tekort"),
    _g("inwoners", "Inwoners"),
    _g("opgave", "Opgave"),
    _g("geplaatst", "Geplaatst"),
    _g("tekort", "Tekort"),
    _p("relatief_tekort", "Tekort % van opgave"),
    Kolom("tekort_per_10000", "Tekort per 10.000 inwoners", _decimaal, True),
    _p("grootste_relatieve_tekort", "Grootste tekort % (gemeente)"),
]


def _eerlijkheid(inst: Instance, res: AllocationResult, gemeenten: pd.DataFrame) -> str:
    met = gemeenten[gemeenten["tekort"] > 0].sort_values(
        ["relatief_tekort", "tekort"], ascending=False, kind="stable"
    )
    delen: list[str] = [
        "<p>Het tekort van een gemeente als deel van haar opgave. Donker: het deel dat de "
        "gemeente met haar eigen aanbod niet kan voorkomen (te weinig woningen of plaatsen); "
        "licht: de rest, waarover het model eerlijk verdeelt (min-max). Het grootste "
        f"vermijdbare relatieve tekort is {_procent(res.doelwaarden.get('eerlijkheid'))}.</p>"
    ]
    if met.empty:
        delen.append("<p>Geen enkele gemeente houdt een tekort.</p>")
    else:
        toon = met.head(MAX_STAVEN)
        opgave = toon["opgave"].to_numpy(float)
        door = toon["tekort_door_aanbod"].to_numpy(float) / opgave
        rest = (toon["tekort"].to_numpy(float) - toon["tekort_door_aanbod"].to_numpy(float)) / (
            opgave
        )
        delen.append(
            '<figure class="diagramvak" id="diagram-gemeenten">'
            + staafdiagram_svg(
                toon["gemeente_naam"].astype(str).tolist(),
                list(zip(door.tolist(), rest.tolist(), strict=True)),
                [KLEUR_DOOR_AANBOD, KLEUR_OVERIG_TEKORT],
                [
                    f"{_procent(r.relatief_tekort, 0)} ({nl_getal(r.tekort)} van "
                    f"{nl_getal(r.opgave)})"
                    for r in toon.itertuples(index=False)
                ],
                titel="Tekort als deel van de opgave per gemeente",
                maximum=1.0,
            )
            + '<figcaption><i class="vakje" style="background:'
            f'{KLEUR_DOOR_AANBOD}"></i>door te weinig eigen aanbod '
            f'<i class="vakje" style="background:{KLEUR_OVERIG_TEKORT}"></i>overig tekort'
            + (
                f" — de {MAX_STAVEN} gemeenten met het grootste relatieve tekort van "
                f"{len(met)}; alle staan in de tabel per gemeente."
                if len(met) > MAX_STAVEN
                else ""
            )
            + "</figcaption></figure>"
        )
    kolommen = [
        Kolom("gemeente_naam", "Gemeente"),
        _g("inwoners", "Inwoners"),
        _g("opgave", "Opgave"),
        _g("aanbod_personen", "Eigen aanbod (plaatsen)"),
        _g("geplaatst", "Geplaatst"),
        _g("tekort", "Tekort"),
        _g("tekort_door_aanbod", "Door eigen aanbod"),
        _p("relatief_tekort", "Tekort % van opgave"),
        Kolom("tekort_per_10000", "Tekort per 10.000 inwoners", _decimaal, True),
    ]
    if not met.empty:
        delen.append(
            "<h3>Gemeenten met een tekort</h3>" + _tabel(met, kolommen, id_="tabel-eerlijkheid")
        )
    for soort, naam in ov.REGIONAMEN.items():
        regio = ov.regio_overzicht(inst, res, soort)
        if soort != "provincie" and len(regio) < 2:
            continue
        delen.append(f"<h3>{_e(naam)}</h3>")
        if len(regio) > 1:
            delen.append(
                '<figure class="diagramvak">'
                + staafdiagram_svg(
                    regio["regio_code"].astype(str).tolist(),
                    [(float(x),) for x in regio["relatief_tekort"]],
                    [KLEUR_DOOR_AANBOD],
                    [_procent(x) for x in regio["relatief_tekort"]],
                    titel=f"Tekort als deel van de opgave per {naam.lower()}",
                )
                + "</figure>"
            )
        delen.append(_tabel(regio, _REGIOKOLOMMEN, id_=f"tabel-regio-{soort}"))
    return _sectie("eerlijkheid", "".join(delen))


_HUISHOUDENKOLOMMEN = [
    Kolom("huishouden_id", "Huishouden"),
    _g("personen", "Personen"),
    Kolom("geplaatst_in", "Geplaatst in"),
    Kolom("gemeente_naam", "Gemeente"),
    Kolom("harde_criteria", "Harde criteria", breed=True),
    Kolom("kosten", "Kosten", _decimaal, True),
    _g("passende_opties", "Passende opties"),
    Kolom("beste_alternatief", "Beste alternatief"),
    Kolom("reden", "Waarom niet het alternatief / waarom onbediend", breed=True),
]


def _verklaring(inst: Instance, verklaring: dict[str, pd.DataFrame]) -> str:
    vg = verklaring["verklaring_gemeenten"]
    delen = ["<h3>Waarom gemeenten een tekort houden</h3>"]
    if vg.empty:
        delen.append("<p>Geen enkele gemeente houdt een tekort.</p>")
    else:
        delen.append(
            '<dl class="gemeenteverklaring">'
            + "".join(
                f'<dt id="v-{_e(r.gemeente_code)}">{_e(r.gemeente_naam)} '
                f"({_e(r.gemeente_code)})</dt><dd>{_e(r.verklaring)}</dd>"
                for r in vg.itertuples(index=False)
            )
            + "</dl>"
        )
    namen = inst.gemeenten[["gemeente_code", "gemeente_naam"]]
    v = verklaring["verklaring"].merge(namen, on="gemeente_code", how="left")
    niet = v[v["geplaatst_in"] == ""]
    delen.append(f"<h3>Onbediende huishoudens ({nl_getal(len(niet))})</h3>")
    if niet.empty:
        delen.append("<p>Alle huishoudens zijn geplaatst.</p>")
    else:
        delen.append(
            _tabel(
                niet,
                [
                    Kolom("huishouden_id", "Huishouden"),
                    _g("personen", "Personen"),
                    Kolom("harde_criteria", "Harde criteria", breed=True),
                    _g("passende_opties", "Passende opties"),
                    Kolom("reden", "Waarom onbediend", breed=True),
                ],
                id_="tabel-onbediend",
            )
        )
    delen.append(
        f'<details class="huishoudens"><summary>Alle huishoudens ({nl_getal(len(v))}): '
        "waar geplaatst, waarom, en waarom niet het beste alternatief</summary>"
        '<p class="alleen-scherm"><label>Zoeken: <input type="search" class="zoek" '
        'data-tabel="tabel-huishoudens" placeholder="huishouden, optie, gemeente of reden">'
        "</label></p>"
        + _tabel(v, _HUISHOUDENKOLOMMEN, id_="tabel-huishoudens", klasse="lang")
        + "</details>"
    )
    return _sectie("verklaring", "".join(delen))


def _parameters(inst: Instance) -> str:
    p = ov.parameters(inst)

    def opmaak(rij: dict[str, Any]) -> str:
        w, e = rij["waarde"], rij["eenheid"]
        if isinstance(w, bool | np.bool_):
            return "ja" if w else "nee"
        if e == "minuten":
            return _minuten(w)
        if e == "seconden":
            return _seconden(w)
        if e == "weken":
            return f"{nl_getal(w)} weken"
        if e == "datum":
            return _datum(w)
        if e == "aandeel":
            return _gap(w) if w else "0"
        if e == "kostenpunten":
            return f"{_decimaal(w)} kostenpunten"
        if isinstance(w, int | float | np.number):
            return nl_getal(float(w)) + (f" ({e})" if e else "")
        return str(w)

    rijen = "".join(
        f'<tr><td class="kort">{_e(r["onderdeel"])}</td><td class="kort">'
        f"{_e(r['parameter'])}</td>"
        f'<td class="{"hash" if r["onderdeel"].endswith("(SHA-256)") else ""}">'
        f"{_e(opmaak(r))}</td></tr>"
        for r in p.to_dict(orient="records")
    )
    return _sectie(
        "parameters",
        '<div class="tabelvak"><table id="tabel-parameters"><thead><tr><th scope="col">'
        'Onderdeel</th><th scope="col">Parameter</th><th scope="col">Waarde</th></tr></thead>'
        f"<tbody>{rijen}</tbody></table></div>",
    )


def _solver(res: AllocationResult) -> str:
    s = ov.solvercijfers(res)

    def opmaak(w: Any, e: str) -> str:
        if e == "aandeel":
            return _gap(w)
        if e == "seconden":
            return _seconden(w)
        if e == "aantal":
            return _geheel(w)
        return _tekst(w)

    rijen = "".join(
        f"<tr><td>{_e(r.onderdeel)}</td>"
        + (
            _getalcel(r.waarde, opmaak(r.waarde, r.eenheid))
            if r.eenheid in ("aantal", "seconden", "aandeel")
            else f"<td>{_e(opmaak(r.waarde, r.eenheid))}</td>"
        )
        + "</tr>"
        for r in s.itertuples(index=False)
    )
    return _sectie(
        "solver",
        '<div class="tabelvak smal"><table id="tabel-solver"><thead><tr><th scope="col">'
        f'Onderdeel</th><th scope="col">Waarde</th></tr></thead><tbody>{rijen}</tbody>'
        "</table></div>",
    )


# --------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------


def rapport_html(
    inst: Instance,
    res: AllocationResult,
    *,
    kaart_png: bytes | None = None,
    verklaring: dict[str, pd.DataFrame] | None = None,
    gemaakt: dt.datetime | None = None,
) -> str:
    """The report as one HTML document (a string); see `schrijf_rapport`."""
    v = ov.verklaringen(inst, res) if verklaring is None else verklaring
    gemeenten = ov.gemeente_overzicht(inst, res)
    flex = ov.flex_overzicht(inst, res)
    k = ov.kerncijfers(inst, res)
    gemaakt = gemaakt or dt.datetime.now().astimezone()
    titel = f"{inst.naam}: allocatieronde {inst.periode.label}"
    nav = "".join(f'<a href="#{i}">{_e(t)}</a>' for i, t in SECTIES.items())
    kop = (
        f'<header><h1>{_e(titel)}</h1><p class="meta">Periode {_e(inst.periode.label)} '
        f"({inst.periode.start:%d-%m-%Y} t/m {inst.periode.eind:%d-%m-%Y}) · modelpreset "
        f"<b>{_e(inst.preset.naam)}</b> · solver {_e(res.solver)} · status "
        f"<b>{_e(res.status.value)}</b> · onafhankelijk gecontroleerd</p></header>"
        f'<nav class="inhoud" aria-label="Inhoud">{nav}</nav>'
    )
    secties = [
        _samenvatting(inst, res, k),
        _kaart(inst, gemeenten, flex, kaart_png),
        _gemeenten(gemeenten),
        _flexlocaties(flex),
        _eerlijkheid(inst, res, gemeenten),
        _verklaring(inst, v),
        _parameters(inst),
        _solver(res),
    ]
    voet = (
        f"<footer>Gemaakt met allocatie {_e(allocatie.__version__)} op "
        f"{gemaakt:%d-%m-%Y %H:%M}. Huishoudens staan er alleen met hun pseudoniem en wat "
        "de plaatsing nodig heeft.</footer>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="allocatie {_e(allocatie.__version__)}">'
        f"<title>{_e(titel)}</title><style>{_bron('rapport.css')}</style></head>"
        f"<body>{kop}<main>{''.join(secties)}</main>{voet}"
        f"<script>{_bron('rapport.js')}</script></body></html>\n"
    )


def schrijf_rapport(
    inst: Instance,
    res: AllocationResult,
    pad: str | Path,
    *,
    kaart_png: str | Path | None = None,
    verklaring: dict[str, pd.DataFrame] | None = None,
    gemaakt: dt.datetime | None = None,
) -> Path:
    """Write the round's HTML report, one self-contained file, atomically.

    Parameters
    ----------
    inst
        The round.
    res
        Its (verified) result.
    pad
        The ``.html`` file; its folder must exist.
    kaart_png
        The static map already drawn (`allocatie.reports.kaart.teken_kaart`);
        drawn here if not given.
    verklaring
        The explanation tables (`allocatie.reports.overzicht.verklaringen`),
        computed here if not given.
    gemaakt
        Time stamp in the footer; default now.

    Returns
    -------
    Path
        The written report.

    Examples
    --------
    >>> import allocatie
    >>> inst = allocatie.laad_ronde("data/voorbeeld")  # doctest: +SKIP
    >>> schrijf_rapport(inst, allocatie.los_op(inst), "rapport.html")  # doctest: +SKIP
    PosixPath('rapport.html')
    """
    pad = Path(pad)
    if kaart_png is not None:
        png = Path(kaart_png).read_bytes()
    else:
        with tempfile.TemporaryDirectory(prefix="allocatie-kaart-") as map_:
            png = teken_kaart(inst, res, Path(map_) / "kaart.png").read_bytes()
    tekst = rapport_html(inst, res, kaart_png=png, verklaring=verklaring, gemaakt=gemaakt)
    with atomisch_pad(pad) as tmp:
        tmp.write_text(tekst, encoding="utf-8")
    return pad

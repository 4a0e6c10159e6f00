"""The HTML report's sections on what the round decided: summary, map, gemeenten, flex sites."""

from __future__ import annotations

import base64
from typing import Any

import pandas as pd

from allocatie.kern.taal import huishoudens, nl_getal, personen
from allocatie.reports import overzicht as ov
from allocatie.reports.htmlopmaak import (
    Kolom,
    datum,
    decimaal,
    esc,
    gap_procent,
    geheel,
    geheel_kolom,
    getalcel,
    leeg,
    procent,
    procent_kolom,
    seconden,
    sectie,
    tabel,
)
from allocatie.reports.kaartstijl import FLEX_KLEUR, KLASSEN
from allocatie.reports.svgkaart import kaart_svg
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance

__all__ = ["sectie_flexlocaties", "sectie_gemeenten", "sectie_kaart", "sectie_samenvatting"]


def sectie_samenvatting(inst: Instance, res: AllocationResult, k: dict[str, Any]) -> str:
    """The summary: key figures, the sentence a regisseur reads first, signals, levels."""
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
        ("Solver", res.status.value, f"gap {gap_procent(res.gap)} · {seconden(res.wall_s)}"),
        (
            "Reproduceerbaar",
            "ja" if res.reproduceerbaar else "nee",
            "elk niveau binnen zijn rekenwerk: opnieuw rekenen geeft dezelfde verdeling"
            if res.reproduceerbaar
            else "de tijdslimiet greep in: opnieuw rekenen kan een andere verdeling geven",
        ),
    ]
    kaartjes = "".join(
        f'<div class="kaartje" data-sleutel="{esc(t)}"><div class="kop">{esc(t)}</div>'
        f'<div class="getal">{esc(a)}</div><div class="sub">{esc(b)}</div></div>'
        for t, a, b in vakjes
    )
    zin = (
        f"In deze ronde zijn {huishoudens(k['huishoudens_geplaatst'])} "
        f"({personen(k['personen_geplaatst'])}) geplaatst van de "
        f"{huishoudens(k['huishoudens'])} ({personen(k['personen'])}) die wachten. "
        f"Op de taakstellingen blijft een tekort van {personen(k['tekort'])}, waarvan "
        f"{nl_getal(k['tekort_door_aanbod'])} doordat gemeenten te weinig eigen aanbod hebben. "
        f"Het grootste vermijdbare relatieve tekort van een gemeente (eerlijkheid) is "
        f"{procent(k['eerlijkheid'])}."
    )
    signalen = ""
    if res.signalen:
        signalen = (
            '<div class="signalen"><h3>Signalen vóór het oplossen</h3><ul>'
            + "".join(f"<li>{esc(s)}</li>" for s in res.signalen)
            + "</ul></div>"
        )
    niveaus = ov.niveaus_tabel(res)
    niveaus.insert(0, "volgorde", range(1, len(niveaus) + 1))
    niveaus["omschrijving"] = [ov.NIVEAUS.get(n, ("", ""))[0] for n in niveaus["niveau"]]
    eenheid = {n: ov.NIVEAUS.get(n, ("", ""))[1] for n in niveaus["niveau"]}

    rijen = []
    for r in niveaus.to_dict(orient="records"):
        opmaak = procent if eenheid[r["niveau"]] == "aandeel" else decimaal
        cellen = [
            getalcel(r["volgorde"], str(r["volgorde"])),
            f"<td>{esc(r['niveau'])}</td>",
            f"<td>{esc(r['omschrijving'])}</td>",
            f'<td class="status-{esc(r["status"])}">{esc(r["status"])}</td>',
            getalcel(r["waarde"], opmaak(r["waarde"])),
            getalcel(r["grens"], opmaak(r["grens"])),
            getalcel(r["gap"], gap_procent(r["gap"])),
            getalcel(r["tijd_s"], seconden(r["tijd_s"])),
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
    return sectie(
        "samenvatting",
        f'<div class="kaartjes">{kaartjes}</div><p>{esc(zin)}</p>{signalen}{niveautabel}',
    )


def _legenda(gemeenten: pd.DataFrame, heeft_flex: bool) -> str:
    """The legend beside the interactive map: classes with their counts, flex sites."""
    aantallen = gemeenten["klasse"].value_counts()
    items = []
    for i, kl in enumerate(KLASSEN):
        stijl = (
            f"background:{kl.kleur}"
            if not kl.arcering
            else f"background:repeating-linear-gradient(45deg,{kl.kleur} 0 3px,#9a9a9a 3px 4px)"
        )
        items.append(
            f'<li><i class="vakje" style="{stijl}"></i>{esc(kl.label)}: '
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


def sectie_kaart(
    inst: Instance, gemeenten: pd.DataFrame, flex: pd.DataFrame, png: bytes | None
) -> str:
    """The interactive SVG map with tooltips and zoom, and the static PNG map."""
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
    return sectie("kaart", interactief + statisch)


_GEMEENTEKOLOMMEN = [
    Kolom("gemeente_code", "Code"),
    Kolom("gemeente_naam", "Gemeente"),
    geheel_kolom("taakstelling", "Taakstelling"),
    geheel_kolom("achterstand", "Achterstand"),
    geheel_kolom("voorsprong", "Voorsprong"),
    geheel_kolom("gerealiseerd", "Gerealiseerd"),
    geheel_kolom("opgave", "Opgave"),
    geheel_kolom("geplaatst", "Geplaatst"),
    geheel_kolom("tekort", "Tekort"),
    procent_kolom("relatief_tekort", "Tekort %"),
    geheel_kolom("overvulling", "Overvulling"),
    geheel_kolom("saldo", "Saldo"),
    Kolom("status", "Status tegenover de taak", breed=True),
]


def sectie_gemeenten(gemeenten: pd.DataFrame) -> str:
    """The table per gemeente with a totals row."""
    som = {k.bron: int(gemeenten[k.bron].sum()) for k in _GEMEENTEKOLOMMEN if k.getal}
    opgave = som["opgave"]
    som_tekst = [
        "",
        "Totaal",
        *(
            procent(gemeenten["tekort"].sum() / opgave if opgave else 0.0)
            if k.bron == "relatief_tekort"
            else geheel(som[k.bron])
            for k in _GEMEENTEKOLOMMEN[2:-1]
        ),
        "",
    ]
    uitleg = (
        "<p>Opgave = taakstelling + achterstand − voorsprong − al gerealiseerd. Saldo is wat "
        "naar de volgende periode gaat: positief een achterstand, negatief een voorsprong."
        '<span class="alleen-scherm"> Klik op een kolomkop om te sorteren.</span></p>'
    )
    return sectie(
        "gemeenten",
        uitleg
        + tabel(
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
    geheel_kolom("eenheden_totaal", "Eenheden totaal"),
    geheel_kolom("eenheden", "Voor vergunninghouders"),
    geheel_kolom("eenheden_gebruikt", "Eenheden bezet"),
    geheel_kolom("capaciteit_personen", "Capaciteit (personen)"),
    geheel_kolom("personen", "Geplaatst (personen)"),
    procent_kolom("bezetting", "Bezetting"),
    procent_kolom("aandeel_vh", "Aandeel vergunninghouders"),
    procent_kolom("max_aandeel_vh", "Max. aandeel"),
    Kolom("beschikbaar", "Beschikbaar"),
]


def sectie_flexlocaties(flex: pd.DataFrame) -> str:
    """The table of flexible sites (or a sentence when there are none)."""
    if flex.empty:
        return sectie("flexlocaties", "<p>Deze ronde heeft geen flexlocaties.</p>")
    uitleg = (
        f"<p>{nl_getal(int(flex['personen'].sum()))} van "
        f"{nl_getal(int(flex['capaciteit_personen'].sum()))} plaatsen bezet. Het aandeel "
        "vergunninghouders is het deel van alle eenheden van de locatie dat zij innemen "
        "(mix-wonen); het maximum staat per locatie vast.</p>"
    )
    flex = flex.assign(
        beschikbaar=[
            f"vanaf {datum(a)}" if leeg(b) or pd.isna(b) else f"{datum(a)} – {datum(b)}"
            for a, b in zip(flex["beschikbaar_vanaf"], flex["beschikbaar_tot"], strict=True)
        ]
    )
    return sectie("flexlocaties", uitleg + tabel(flex, _FLEXKOLOMMEN, id_="tabel-flex"))

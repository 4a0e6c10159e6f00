"""The HTML report's sections on what the round decided: map, gemeenten, flex sites."""

from __future__ import annotations

import pandas as pd

from allocatie.kern.taal import nl_getal
from allocatie.reports.htmlopmaak import (
    Kolom,
    datum,
    esc,
    filterbalk,
    geheel,
    geheel_kolom,
    leeg,
    procent,
    procent_kolom,
    sectie,
    tabel,
)
from allocatie.reports.kaartstijl import FLEX_KLEUR, KLASSEN, MAX_ALLE_LABELS
from allocatie.reports.svgkaart import kaart_svg
from allocatie.ronde.instance import Instance

__all__ = ["sectie_flexlocaties", "sectie_gemeenten", "sectie_kaart"]


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


def sectie_kaart(inst: Instance, gemeenten: pd.DataFrame, flex: pd.DataFrame) -> str:
    """The map, once: an SVG with province borders, tooltips and zoom that also prints."""
    g = gemeenten.join(inst.gemeenten.set_index("gemeente_code")[["x", "y"]], on="gemeente_code")
    grenzen = None if inst.grenzen is None else list(inst.grenzen.to_numpy())
    svg = kaart_svg(g, grenzen, flex)
    bij = (
        "De namen van de grootste gemeenten staan op de kaart."
        if len(gemeenten) > MAX_ALLE_LABELS
        else "Bij elke gemeente: naam en geplaatst / opgave (personen)."
    )
    return sectie(
        "kaart",
        '<figure class="kaartfiguur"><div class="kaartvak" tabindex="0" '
        'aria-label="Interactieve kaart: beweeg over een gemeente voor de cijfers; '
        'klik om naar haar rij in de tabel te gaan">'
        '<div class="knoppen alleen-scherm">'
        '<button type="button" data-zoom="in" title="Inzoomen">+</button>'
        '<button type="button" data-zoom="uit" title="Uitzoomen">−</button>'
        '<button type="button" data-zoom="reset" title="Hele kaart">⟲</button></div>'
        f'{svg}<div class="tooltip" role="status"></div></div>'
        f'<div class="kaartzijde">{_legenda(gemeenten, len(flex) > 0)}'
        f'<figcaption class="uitleg">{esc(bij)} Dikke lijnen zijn provinciegrenzen. '
        '<span class="alleen-scherm">Beweeg over een gemeente of flexlocatie voor alle '
        "cijfers; klik op een gemeente voor haar rij in de tabel. Zoomen met de knoppen, "
        "dubbelklikken, Ctrl + scrollwiel of + en − (na een klik op de kaart); slepen "
        "verschuift de kaart. </span>De kaart staat ook los in kaart.png.</figcaption></div>"
        "</figure>",
    )


_GEMEENTEKOLOMMEN = [
    Kolom("gemeente_code", "Code"),
    Kolom("gemeente_naam", "Gemeente"),
    Kolom("provincie_naam", "Provincie"),
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
    Kolom("status", "Stand tegenover de taak", breed=True),
]
#: The text columns before the numbers (no sum in the totals row).
_TEKSTKOLOMMEN = 3

_RUILKOLOMMEN = [
    geheel_kolom("ruil_af", "Ruil af"),
    geheel_kolom("ruil_bij", "Ruil bij"),
    geheel_kolom("opgave_na_ruil", "Opgave na ruil"),
]


def gemeentekolommen(gemeenten: pd.DataFrame) -> list[Kolom]:
    """The columns of the gemeente table: with the swap columns after ``opgave`` when a
    swap took place (the rows then add up: opgave na ruil = geplaatst + tekort − overvulling)."""
    ruil = all(k.bron in gemeenten.columns for k in _RUILKOLOMMEN) and bool(
        (gemeenten["ruil_af"] != 0).any() or (gemeenten["ruil_bij"] != 0).any()
    )
    if not ruil:
        return list(_GEMEENTEKOLOMMEN)
    i = [k.bron for k in _GEMEENTEKOLOMMEN].index("opgave") + 1
    return [*_GEMEENTEKOLOMMEN[:i], *_RUILKOLOMMEN, *_GEMEENTEKOLOMMEN[i:]]


def sectie_gemeenten(gemeenten: pd.DataFrame, provincies: dict[str, str]) -> str:
    """The table per gemeente with a search box, a province choice and a totals row.

    ``gemeenten`` is the gemeente overview with ``provincie_naam``;
    ``provincies`` maps province code to name.
    """
    kolommen = gemeentekolommen(gemeenten)
    som = {k.bron: int(gemeenten[k.bron].sum()) for k in kolommen if k.getal}
    # The relative shortfall is against the opgave after swaps, as in per_gemeente.csv.
    opgave = som.get("opgave_na_ruil", som["opgave"])
    som_tekst = [
        "",
        "Totaal",
        "",
        *(
            procent(gemeenten["tekort"].sum() / opgave if opgave else 0.0)
            if k.bron == "relatief_tekort"
            else geheel(som[k.bron])
            for k in kolommen[_TEKSTKOLOMMEN:-1]
        ),
        "",
    ]
    uitleg = (
        "<p>Opgave = taakstelling + achterstand − voorsprong − al gerealiseerd. Saldo is wat "
        "naar de volgende periode gaat: positief een achterstand, negatief een voorsprong. "
        + (
            "Met ruil: opgave na ruil = opgave − ruil af + ruil bij; tekort en overvulling "
            "tellen tegen de opgave na ruil. "
            if len(kolommen) > len(_GEMEENTEKOLOMMEN)
            else ""
        )
        + "Het totaal telt alle gemeenten, ook als de tabel gefilterd is."
        '<span class="alleen-scherm"> Klik op een kolomkop om te sorteren.</span></p>'
    )
    return sectie(
        "gemeenten",
        uitleg
        + filterbalk(
            "tabel-gemeenten",
            wat="gemeente, code of stand",
            provincies=provincies,
            totaal=len(gemeenten),
            eenheid=("gemeente", "gemeenten"),
        )
        + tabel(
            gemeenten,
            kolommen,
            id_="tabel-gemeenten",
            rij_id=("g", "gemeente_code"),
            rij_data={"provincie": "provincie_code"},
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

"""The first pages of the HTML report: the one-page summary, the provinces, the glossary.

Written for a regisseur, in plain Dutch domain words: what was asked
(taakstelling, achterstand, opgave), what is placed, which gemeenten stay
short and why (their own supply is too small, or the shortfall could have
gone elsewhere), and what needs a decision. How the solver ran is told in the
section "Hoe is gerekend" (`allocatie.reports.htmlverantwoording.sectie_solver`),
not here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from allocatie.kern.taal import aantal, huishoudens, nl_getal, personen
from allocatie.reports.htmlopmaak import esc, procent, sectie
from allocatie.reports.namen import met_code
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance
from allocatie.solvers.base import Status

__all__ = [
    "BEGRIPPEN",
    "MAX_GENOEMD",
    "besluitpunten",
    "sectie_begrippen",
    "sectie_provincies",
    "sectie_samenvatting",
]

#: At most this many gemeenten are named in one sentence of the summary.
MAX_GENOEMD = 5

#: The glossary: term -> explanation (plain Dutch, with an example where it helps).
BEGRIPPEN: dict[str, str] = {
    "Vergunninghouder": "Iemand met een verblijfsvergunning die nog in een azc woont en "
    "een woning in een gemeente nodig heeft. Een huishouden is één of meer "
    "vergunninghouders die samen een woning krijgen.",
    "Taakstelling": "Het aantal vergunninghouders (personen) dat een gemeente deze periode "
    "moet huisvesten, naar verhouding van haar inwoners.",
    "Achterstand en voorsprong": "Wat een gemeente in eerdere periodes te weinig "
    "(achterstand) of te veel (voorsprong) heeft gehuisvest. Een achterstand komt bij de "
    "taakstelling, een voorsprong gaat eraf.",
    "Opgave": "Wat een gemeente in deze ronde nog moet huisvesten: taakstelling + "
    "achterstand − voorsprong − wat deze periode al gerealiseerd is. Voorbeeld: "
    "taakstelling 40, achterstand 5, al gerealiseerd 15 geeft een opgave van 30 personen.",
    "Geplaatst": "Personen die in deze ronde een woning of een plek in een flexlocatie krijgen.",
    "Tekort": "Het deel van de opgave dat niet geplaatst is. Een tekort komt door te "
    "weinig eigen aanbod (de gemeente heeft niet genoeg passende woningen of plekken: dat "
    "valt in deze ronde niet op te lossen) of is vermijdbaar (er was aanbod, maar de "
    "huishoudens konden elders beter of eerlijker terecht).",
    "Overvulling": "Een gemeente krijgt meer personen dan haar opgave. Voorbeeld: opgave "
    "10, geplaatst 32 geeft een overvulling van 22 personen; er is dan 320% van de "
    "opgave geplaatst. Dat gebeurt bijvoorbeeld waar een flexlocatie staat of waar "
    "huishoudens door werk, studie, familie of zorg moeten wonen. De berekening houdt de "
    "grootste overvulling zo klein mogelijk; wat overblijft telt als voorsprong in de "
    "volgende periode.",
    "Eerlijkheid": "Het tekort wordt zo verdeeld dat geen gemeente naar verhouding "
    "onnodig veel tekort houdt: het grootste vermijdbare tekort als deel van de opgave "
    "is zo klein mogelijk gemaakt.",
    "Saldo": "Wat naar de volgende periode gaat: positief is een achterstand, negatief een "
    "voorsprong.",
    "Flexlocatie": "Een locatie met tijdelijke woonunits, soms gedeeld met andere "
    "woningzoekenden (gemengd wonen), met een maximum aandeel vergunninghouders.",
    "Harde eisen": "Eisen die een plaatsing moet halen, zoals een maximale reistijd naar "
    "werk, studie, familie of zorg. Een huishouden zonder passende woning of plek voldoet "
    "bij geen enkel aanbod aan al zijn eisen tegelijk.",
    "Reproduceerbaar": "Opnieuw rekenen met dezelfde invoer geeft precies dezelfde "
    "verdeling. Als de rekentijd op was voordat het rekenwerk klaar was, kan opnieuw "
    "rekenen een (iets) andere verdeling geven.",
}


def _gemeente(r: Any, provincie: bool) -> str:
    """'Naam (Provincie)' of a row of the gemeente overview (with ``provincie_naam``).

    Without ``provincie`` (a round within one province) the name alone.
    """
    prov = getattr(r, "provincie_naam", "") if provincie else ""
    return f"{r.gemeente_naam} ({prov})" if prov else str(r.gemeente_naam)


def _meer_provincies(gemeenten: pd.DataFrame) -> bool:
    return int(gemeenten["provincie_code"].nunique()) > 1


def _opsomming(delen: list[str], meer: int = 0) -> str:
    """'a, b en c' (and 'en N andere' when ``meer``)."""
    if meer:
        delen = [*delen, f"{nl_getal(meer)} andere"]
    if len(delen) <= 1:
        return "".join(delen)
    return ", ".join(delen[:-1]) + " en " + delen[-1]


def besluitpunten(inst: Instance, res: AllocationResult, gemeenten: pd.DataFrame) -> list[str]:
    """What a regisseur has to decide on, in plain Dutch (empty when nothing).

    Parameters
    ----------
    inst, res
        The round and its result.
    gemeenten
        `allocatie.reports.overzicht.gemeente_overzicht` with ``provincie_naam``.

    Returns
    -------
    list[str]
        Sentences: households without any fitting option, other unplaced
        households, over-filled gemeenten, and a result that is not proven
        best or not reproducible.
    """
    punten: list[str] = []
    geen = res.onhaalbaar
    if len(geen):
        n_p = int(pd.to_numeric(geen["personen"]).sum())
        punten.append(
            f"{huishoudens(len(geen)).capitalize()} ({personen(n_p)}) "
            f"{'heeft' if len(geen) == 1 else 'hebben'} geen enkele passende woning of plek: "
            "hun harde eisen (bijvoorbeeld reistijd naar werk of zorg) sluiten elk aanbod uit. "
            "Besluit nodig: een eis versoepelen of passend aanbod zoeken. De bijlage noemt per "
            "huishouden welke eisen botsen."
        )
    overig = res.onbediend[~res.onbediend["huishouden_id"].isin(geen["huishouden_id"])]
    if len(overig):
        n_p = int(overig["personen"].sum())
        punten.append(
            f"{huishoudens(len(overig)).capitalize()} ({personen(n_p)}) "
            f"{'blijft' if len(overig) == 1 else 'blijven'} wachten terwijl er wel passend aanbod "
            "bestaat: dat aanbod is vol of elders nodig. Zij komen in een volgende ronde terug."
        )
    over = gemeenten[gemeenten["overvulling"] > 0].sort_values(
        ["overvulling", "gemeente_naam"], ascending=[False, True], kind="stable"
    )
    if len(over):
        meer = _meer_provincies(gemeenten)
        voorbeelden = []
        for r in over.head(MAX_GENOEMD).itertuples(index=False):
            deel = f" ({procent(r.geplaatst / r.opgave, 0)} van de opgave)" if r.opgave > 0 else ""
            voorbeelden.append(
                f"{_gemeente(r, meer)}: opgave {nl_getal(r.opgave)}, geplaatst "
                f"{nl_getal(r.geplaatst)}{deel}"
            )
        punten.append(
            f"{aantal(len(over), 'gemeente krijgt', 'gemeenten krijgen')} meer personen dan "
            f"{'haar' if len(over) == 1 else 'hun'} opgave (overvulling, samen "
            f"{personen(int(over['overvulling'].sum()))}): "
            f"{_opsomming(voorbeelden, max(0, len(over) - MAX_GENOEMD))}. Dat telt als "
            "voorsprong in de volgende periode. Besluit: accepteren, of in die gemeenten minder "
            "aanbod inzetten."
        )
    if not res.reproduceerbaar:
        punten.append(
            "De rekentijd was op voordat het rekenwerk klaar was. De verdeling klopt met alle "
            "eisen, maar is niet bewezen de beste, en opnieuw rekenen kan een (iets) andere "
            "verdeling geven. Besluit: deze verdeling vastleggen (het rondearchief bewaart haar) "
            "of opnieuw rekenen met meer rekentijd."
        )
    elif res.status is not Status.OPTIMAAL:
        punten.append(
            "Het rekenwerk per stap was begrensd: de verdeling klopt met alle eisen en is "
            "reproduceerbaar, maar niet bewezen de beste. Meer rekenwerk kan een iets betere "
            "verdeling geven."
        )
    return punten


def sectie_samenvatting(
    inst: Instance, res: AllocationResult, k: dict[str, Any], gemeenten: pd.DataFrame
) -> str:
    """The one-page summary: asked, placed, who stays short and why, what needs a decision."""
    g = gemeenten
    achterstand = int(g["achterstand"].sum())
    voorsprong = int(g["voorsprong"].sum())
    gerealiseerd = int(g["gerealiseerd"].sum())
    per_soort = res.plaatsingen.groupby("soort")["personen"].sum()
    flex_p = int(per_soort.get("flex", 0))
    vakjes = [
        (
            "Opgave",
            nl_getal(k["opgave"]),
            f"personen te huisvesten (taakstelling {nl_getal(k['taakstelling'])})",
        ),
        (
            "Geplaatst",
            nl_getal(k["personen_geplaatst"]),
            f"personen in {huishoudens(k['huishoudens_geplaatst'])}",
        ),
        (
            "Wachten nog",
            nl_getal(k["personen_onbediend"]),
            f"personen in {huishoudens(k['huishoudens_onbediend'])}",
        ),
        (
            "Tekort",
            nl_getal(k["tekort"]),
            f"personen, in {nl_getal(k['gemeenten_met_tekort'])} van "
            f"{nl_getal(k['gemeenten'])} gemeenten",
        ),
    ]
    kaartjes = "".join(
        f'<div class="kaartje" data-sleutel="{esc(t)}"><div class="kop">{esc(t)}</div>'
        f'<div class="getal">{esc(a)}</div><div class="sub">{esc(b)}</div></div>'
        for t, a, b in vakjes
    )
    correctie = []
    if achterstand:
        correctie.append(f"plus {personen(achterstand)} achterstand uit eerdere periodes")
    if voorsprong:
        correctie.append(f"min {personen(voorsprong)} voorsprong")
    if gerealiseerd:
        correctie.append(f"min {personen(gerealiseerd)} die deze periode al gehuisvest zijn")
    gevraagd = (
        f"De {nl_getal(k['gemeenten'])} gemeenten moeten deze periode samen "
        f"{personen(k['taakstelling'])} huisvesten (de taakstelling)"
        + (f", {_opsomming(correctie)}" if correctie else "")
        + f". Dat geeft een opgave van {personen(k['opgave'])}. In de azc's wachten "
        f"{huishoudens(k['huishoudens'])} ({personen(k['personen'])}) op een woning."
    )
    waar = (
        f" ({nl_getal(k['personen_geplaatst'] - flex_p)} in woningen, {nl_getal(flex_p)} in "
        "flexlocaties)"
        if flex_p
        else ""
    )
    deel = (
        f", {procent(k['personen_geplaatst'] / k['opgave'])} van de opgave" if k["opgave"] else ""
    )
    geplaatst = (
        f"Geplaatst: {personen(k['personen_geplaatst'])} in "
        f"{huishoudens(k['huishoudens_geplaatst'])}{waar}{deel}."
    )
    met = g[g["tekort"] > 0]
    vermijdbaar = met["tekort"] - met["tekort_door_aanbod"]
    alleen_aanbod = met[vermijdbaar <= 0]
    te_vermijden = met[vermijdbaar > 0]
    if met.empty:
        tekort = "Geen enkele gemeente houdt een tekort."
    else:
        delen = [
            f"{aantal(len(met), 'gemeente houdt', 'gemeenten houden')} samen "
            f"{personen(k['tekort'])} tekort."
        ]
        if k["personen"] < k["opgave"]:
            delen.append(
                f"Er wachten minder personen ({nl_getal(k['personen'])}) dan de opgave vraagt: "
                f"minstens {personen(k['opgave'] - k['personen'])} tekort is dus onvermijdelijk."
            )
        if len(alleen_aanbod):
            delen.append(
                f"Bij {aantal(len(alleen_aanbod), 'gemeente', 'gemeenten')} komt dat alleen "
                "doordat het eigen aanbod aan woningen en plekken te klein is; dat valt in deze "
                "ronde niet op te lossen."
            )
        if len(te_vermijden):
            n_verm = int(vermijdbaar[vermijdbaar > 0].sum())
            delen.append(
                f"Bij {aantal(len(te_vermijden), 'gemeente', 'gemeenten')} is (een deel van) "
                f"het tekort vermijdbaar, samen {personen(n_verm)}: er was eigen aanbod, maar "
                "er waren niet genoeg passende huishoudens of zij konden elders terecht. Dat "
                "deel is zo eerlijk mogelijk verdeeld: geen gemeente komt meer dan "
                f"{procent(k['eerlijkheid'])} van haar opgave vermijdbaar tekort."
            )
        grootste = met.assign(vermijdbaar_=vermijdbaar).sort_values(
            ["tekort", "gemeente_naam"], ascending=[False, True], kind="stable"
        )
        namen = [
            f"{_gemeente(r, _meer_provincies(g))} {nl_getal(r.tekort)} van {nl_getal(r.opgave)}"
            + (" (te weinig eigen aanbod)" if r.vermijdbaar_ <= 0 else "")
            for r in grootste.head(MAX_GENOEMD).itertuples(index=False)
        ]
        delen.append(f"Het grootste tekort: {_opsomming(namen)}.")
        tekort = " ".join(delen)
    punten = besluitpunten(inst, res, g)
    besluit = (
        "<ul>" + "".join(f"<li>{esc(p)}</li>" for p in punten) + "</ul>"
        if punten
        else "<p>Niets: alle huishoudens met een passende optie zijn geplaatst, geen gemeente "
        "krijgt meer dan haar opgave en de verdeling is bewezen de beste.</p>"
    )
    return sectie(
        "samenvatting",
        f'<div class="kaartjes">{kaartjes}</div>'
        f"<h3>Wat is gevraagd</h3><p>{esc(gevraagd)}</p>"
        f"<h3>Wat is geplaatst</h3><p>{esc(geplaatst)}</p>"
        f"<h3>Welke gemeenten tekortkomen, en waarom</h3><p>{esc(tekort)}</p>"
        f'<h3>Wat vraagt een besluit</h3><div class="besluiten">{besluit}</div>',
    )


def sectie_provincies(gemeenten: pd.DataFrame, provincies: dict[str, str]) -> str:
    """Per province: its figures, the gemeenten that stay short and the over-filled ones."""
    g = gemeenten
    blokken = []
    codes: set[str] = {str(c) for c in g["provincie_code"]}
    volgorde = sorted(codes, key=lambda c: str(provincies.get(c) or c).casefold())
    for code in volgorde:
        groep = g[g["provincie_code"].astype(str) == code]
        naam = provincies.get(code, code)
        opgave = int(groep["opgave"].sum())
        geplaatst = int(groep["geplaatst"].sum())
        tekort = int(groep["tekort"].sum())
        met = groep[groep["tekort"] > 0].sort_values(
            ["tekort", "gemeente_naam"], ascending=[False, True], kind="stable"
        )
        over = groep[groep["overvulling"] > 0].sort_values(
            ["overvulling", "gemeente_naam"], ascending=[False, True], kind="stable"
        )
        zinnen = [
            f"{aantal(len(groep), 'gemeente', 'gemeenten')}, opgave {personen(opgave)}, "
            f"geplaatst {nl_getal(geplaatst)}"
            + (f" ({procent(geplaatst / opgave, 0)})" if opgave else "")
            + "."
        ]
        if met.empty:
            zinnen.append("Geen gemeente houdt een tekort.")
        else:
            namen = [
                f"{r.gemeente_naam} {nl_getal(r.tekort)}"
                + (" (eigen aanbod te klein)" if r.tekort <= r.tekort_door_aanbod else "")
                for r in met.head(MAX_GENOEMD).itertuples(index=False)
            ]
            zinnen.append(
                f"Tekort {personen(tekort)} in "
                f"{aantal(len(met), 'gemeente', 'gemeenten')}: "
                f"{_opsomming(namen, max(0, len(met) - MAX_GENOEMD))}."
            )
        if len(over):
            namen = [
                f"{r.gemeente_naam} +{nl_getal(r.overvulling)}"
                for r in over.head(3).itertuples(index=False)
            ]
            zinnen.append(f"Meer dan de opgave: {_opsomming(namen, max(0, len(over) - 3))}.")
        blokken.append(
            f'<div class="provincie" data-provincie="{esc(code)}"><h3>'
            f"{esc(met_code(naam, code))}</h3><p>{esc(' '.join(zinnen))}</p></div>"
        )
    return sectie("provincies", f'<div class="provincies">{"".join(blokken)}</div>')


def sectie_begrippen() -> str:
    """The glossary: the domain words the report keeps, explained."""
    items = "".join(f"<dt>{esc(t)}</dt><dd>{esc(u)}</dd>" for t, u in BEGRIPPEN.items())
    return sectie("begrippen", f'<dl class="begrippen">{items}</dl>')

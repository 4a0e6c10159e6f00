"""The HTML report's sections that account for the round: fairness, explanations,
parameters, model and solver."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from allocatie.kern.taal import nl_getal
from allocatie.reports import overzicht as ov
from allocatie.reports.htmlopmaak import (
    Kolom,
    als_tekst,
    datum,
    decimaal,
    esc,
    filterbalk,
    gap_procent,
    geheel,
    geheel_kolom,
    getalcel,
    minuten,
    procent,
    procent_kolom,
    seconden,
    sectie,
    tabel,
)
from allocatie.reports.namen import regionamen
from allocatie.reports.svgkaart import staafdiagram_svg
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance

__all__ = [
    "KLEUR_DOOR_AANBOD",
    "KLEUR_OVERIG_TEKORT",
    "MAX_STAVEN",
    "sectie_eerlijkheid",
    "sectie_parameters",
    "sectie_solver",
    "sectie_verklaring",
]

#: Charts show at most this many bars; the tables show everything.
MAX_STAVEN = 25
#: Colours of the shortfall segments: caused by the gemeente's own supply, and the rest.
KLEUR_DOOR_AANBOD = "#b2182b"
KLEUR_OVERIG_TEKORT = "#f4a582"


_REGIOKOLOMMEN = [
    Kolom("regio_naam", "Naam"),
    Kolom("regio_code", "Code"),
    geheel_kolom("gemeenten", "Gemeenten"),
    geheel_kolom("gemeenten_met_tekort", "Met tekort"),
    geheel_kolom("inwoners", "Inwoners"),
    geheel_kolom("opgave", "Opgave"),
    geheel_kolom("geplaatst", "Geplaatst"),
    geheel_kolom("tekort", "Tekort"),
    procent_kolom("relatief_tekort", "Tekort % van opgave"),
    Kolom("tekort_per_10000", "Tekort per 10.000 inwoners", decimaal, True),
    procent_kolom("grootste_relatieve_tekort", "Grootste tekort % (gemeente)"),
]


def sectie_eerlijkheid(inst: Instance, res: AllocationResult, gemeenten: pd.DataFrame) -> str:
    """Fairness: shortfall per gemeente and per region, as charts and tables."""
    met = gemeenten[gemeenten["tekort"] > 0].sort_values(
        ["relatief_tekort", "tekort"], ascending=False, kind="stable"
    )
    delen: list[str] = [
        "<p>Het tekort van een gemeente als deel van haar opgave. Donker: het deel dat de "
        "gemeente met haar eigen aanbod niet kan voorkomen (te weinig woningen of plaatsen); "
        "licht: de rest, waarover het model eerlijk verdeelt (min-max). Het grootste "
        f"vermijdbare relatieve tekort is {procent(res.doelwaarden.get('eerlijkheid'))}.</p>"
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
                    f"{procent(r.relatief_tekort, 0)} ({nl_getal(r.tekort)} van "
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
        Kolom("provincie_naam", "Provincie"),
        geheel_kolom("inwoners", "Inwoners"),
        geheel_kolom("opgave", "Opgave"),
        geheel_kolom("aanbod_personen", "Eigen aanbod (plaatsen)"),
        geheel_kolom("geplaatst", "Geplaatst"),
        geheel_kolom("tekort", "Tekort"),
        geheel_kolom("tekort_door_aanbod", "Door eigen aanbod"),
        procent_kolom("relatief_tekort", "Tekort % van opgave"),
        Kolom("tekort_per_10000", "Tekort per 10.000 inwoners", decimaal, True),
    ]
    if not met.empty:
        provincies = regionamen(inst.gemeenten, "provincie")
        delen.append(
            "<h3>Gemeenten met een tekort</h3>"
            + filterbalk(
                "tabel-eerlijkheid",
                wat="gemeente",
                provincies={c: provincies.get(c, c) for c in map(str, met["provincie_code"])},
                totaal=len(met),
                eenheid=("gemeente", "gemeenten"),
            )
            + tabel(
                met,
                kolommen,
                id_="tabel-eerlijkheid",
                rij_data={"provincie": "provincie_code"},
            )
        )
    for soort, naam in ov.REGIONAMEN.items():
        regio = ov.regio_overzicht(inst, res, soort)
        regionaam = regionamen(inst.gemeenten, soort)
        regio.insert(0, "regio_naam", [regionaam.get(str(c), str(c)) for c in regio["regio_code"]])
        if soort != "provincie" and len(regio) < 2:
            continue
        delen.append(f"<h3>{esc(naam)}</h3>")
        if len(regio) > 1:
            delen.append(
                '<figure class="diagramvak">'
                + staafdiagram_svg(
                    regio["regio_naam"].astype(str).tolist(),
                    [(float(x),) for x in regio["relatief_tekort"]],
                    [KLEUR_DOOR_AANBOD],
                    [procent(x) for x in regio["relatief_tekort"]],
                    titel=f"Tekort als deel van de opgave per {naam.lower()}",
                )
                + "</figure>"
            )
        delen.append(tabel(regio, _REGIOKOLOMMEN, id_=f"tabel-regio-{soort}"))
    return sectie("eerlijkheid", "".join(delen))


_HUISHOUDENKOLOMMEN = [
    Kolom("huishouden_id", "Huishouden"),
    geheel_kolom("personen", "Personen"),
    Kolom("geplaatst_in", "Geplaatst in"),
    Kolom("gemeente_naam", "Gemeente"),
    Kolom("harde_criteria", "Harde criteria", breed=True),
    Kolom("kosten", "Kosten", decimaal, True),
    geheel_kolom("passende_opties", "Passende opties"),
    Kolom("beste_alternatief", "Beste alternatief"),
    Kolom("reden", "Waarom niet het alternatief / waarom onbediend", breed=True),
]


def sectie_verklaring(
    inst: Instance,
    verklaring: dict[str, pd.DataFrame],
    verschuivingen: pd.DataFrame | None = None,
) -> str:
    """Why gemeenten keep a shortfall, why households stay unplaced, all households.

    On a re-run (``verschuivingen``, `allocatie.resultaat.verschuiving`) also what moved
    against the previous outcome and why.
    """
    vg = verklaring["verklaring_gemeenten"]
    delen = ["<h3>Waarom gemeenten een tekort houden</h3>"]
    if vg.empty:
        delen.append("<p>Geen enkele gemeente houdt een tekort.</p>")
    else:
        delen.append(
            '<dl class="gemeenteverklaring">'
            + "".join(
                f'<dt id="v-{esc(r.gemeente_code)}">{esc(r.gemeente_naam)} '
                f"({esc(r.gemeente_code)})</dt><dd>{esc(r.verklaring)}</dd>"
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
            tabel(
                niet,
                [
                    Kolom("huishouden_id", "Huishouden"),
                    geheel_kolom("personen", "Personen"),
                    Kolom("harde_criteria", "Harde criteria", breed=True),
                    geheel_kolom("passende_opties", "Passende opties"),
                    Kolom("reden", "Waarom onbediend", breed=True),
                ],
                id_="tabel-onbediend",
            )
        )
    if verschuivingen is not None:
        telt = int(verschuivingen["telt_mee"].astype(bool).sum()) if len(verschuivingen) else 0
        delen.append(
            f"<h3>Verschuivingen t.o.v. de vorige uitkomst ({nl_getal(telt)} "
            f"{'verhuist of verliest zijn' if telt == 1 else 'verhuizen of verliezen hun'} "
            "woning)</h3>"
        )
        if verschuivingen.empty:
            delen.append("<p>Elke plaatsing van de vorige uitkomst is gebleven.</p>")
        else:
            delen.append(
                tabel(
                    verschuivingen,
                    [
                        Kolom("huishouden_id", "Huishouden"),
                        Kolom("soort", "Soort"),
                        Kolom("vorige_optie", "Vorige optie"),
                        Kolom("nieuwe_optie", "Nieuwe optie"),
                        Kolom("reden", "Waarom", breed=True),
                    ],
                    id_="tabel-verschuivingen",
                )
            )
    delen.append(
        f'<details class="huishoudens"><summary>Alle huishoudens ({nl_getal(len(v))}): '
        "waar geplaatst, waarom, en waarom niet het beste alternatief</summary>"
        '<p class="alleen-scherm"><label>Zoeken: <input type="search" class="zoek" '
        'data-tabel="tabel-huishoudens" placeholder="huishouden, optie, gemeente of reden">'
        "</label></p>"
        + tabel(v, _HUISHOUDENKOLOMMEN, id_="tabel-huishoudens", klasse="lang")
        + "</details>"
    )
    return sectie("verklaring", "".join(delen))


def sectie_parameters(inst: Instance) -> str:
    """The parameters of the round: preset, criteria, limits, weights, input files."""
    p = ov.parameters(inst)

    def opmaak(rij: dict[str, Any]) -> str:
        w, e = rij["waarde"], rij["eenheid"]
        if isinstance(w, bool | np.bool_):
            return "ja" if w else "nee"
        if e == "minuten":
            return minuten(w)
        if e == "seconden":
            return seconden(w)
        if e == "weken":
            return f"{nl_getal(w)} weken"
        if e == "datum":
            return datum(w)
        if e == "aandeel":
            return gap_procent(w) if w else "0"
        if e == "kostenpunten":
            return f"{decimaal(w)} kostenpunten"
        if isinstance(w, int | float | np.number):
            return nl_getal(float(w)) + (f" ({e})" if e else "")
        return str(w)

    rijen = "".join(
        f'<tr><td class="kort">{esc(r["onderdeel"])}</td><td class="kort">'
        f"{esc(r['parameter'])}</td>"
        f'<td class="{"hash" if r["onderdeel"].endswith("(SHA-256)") else ""}">'
        f"{esc(opmaak(r))}</td></tr>"
        for r in p.to_dict(orient="records")
    )
    return sectie(
        "parameters",
        '<div class="tabelvak"><table id="tabel-parameters"><thead><tr><th scope="col">'
        'Onderdeel</th><th scope="col">Parameter</th><th scope="col">Waarde</th></tr></thead>'
        f"<tbody>{rijen}</tbody></table></div>",
    )


def _niveautabel(res: AllocationResult) -> str:
    """The objective levels in the order they were solved, each held after its solve."""
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
            f'<td class="status-{esc(r["status"])}">{esc(_UITKOMST.get(r["status"], r["status"]))}'
            "</td>",
            getalcel(r["waarde"], opmaak(r["waarde"])),
            getalcel(r["grens"], opmaak(r["grens"])),
            getalcel(r["gap"], gap_procent(r["gap"])),
            getalcel(r["tijd_s"], seconden(r["tijd_s"])),
        ]
        rijen.append(f"<tr>{''.join(cellen)}</tr>")
    koppen = (
        ("Stap", True),
        ("Doel", False),
        ("Omschrijving", False),
        ("Uitkomst", False),
        ("Bereikt", True),
        ("Beste denkbare", True),
        ("Afstand tot het beste", True),
        ("Rekentijd", True),
    )
    return (
        '<div class="tabelvak"><table id="tabel-niveaus"><caption>De doelen, stap voor stap: '
        "elk doel is zo goed mogelijk gemaakt en daarna vastgehouden bij de volgende stappen"
        "</caption><thead><tr>"
        + "".join(f'<th scope="col"{" class=n" if n else ""}>{t}</th>' for t, n in koppen)
        + f"</tr></thead><tbody>{''.join(rijen)}</tbody></table></div>"
    )


#: A level's outcome in words (``Status`` values of `allocatie.solvers.base`).
_UITKOMST = {
    "optimaal": "beste bewezen",
    "tijdslimiet": "rekentijd op",
    "werkbudget_op": "rekenwerk op",
    "geen_oplossing": "geen verdeling gevonden",
    "onhaalbaar": "onmogelijk",
    "fout": "fout",
}


def sectie_solver(res: AllocationResult) -> str:
    """How the round was computed: the levels in plain words, then model size and solver."""
    s = ov.solvercijfers(res)

    def opmaak(w: Any, e: str) -> str:
        if e == "aandeel":
            return gap_procent(w)
        if e == "seconden":
            return seconden(w)
        if e == "aantal":
            return geheel(w)
        return als_tekst(w)

    rijen = "".join(
        f"<tr><td>{esc(r.onderdeel)}</td>"
        + (
            getalcel(r.waarde, opmaak(r.waarde, r.eenheid))
            if r.eenheid in ("aantal", "seconden", "aandeel")
            else f"<td>{esc(opmaak(r.waarde, r.eenheid))}</td>"
        )
        + "</tr>"
        for r in s.itertuples(index=False)
    )
    repro = (
        "Elke stap rekende binnen zijn eigen hoeveelheid rekenwerk: opnieuw rekenen met "
        "dezelfde invoer geeft dezelfde verdeling."
        if res.reproduceerbaar
        else "De rekentijd was op bij ten minste één stap: opnieuw rekenen kan een andere "
        "verdeling geven."
    )
    signalen = ""
    if res.signalen:
        signalen = (
            '<div class="signalen"><h3>Opgemerkt in de invoer, vóór het rekenen</h3><ul>'
            + "".join(f"<li>{esc(t)}</li>" for t in res.signalen)
            + "</ul></div>"
        )
    return sectie(
        "solver",
        "<p>De verdeling is in stappen berekend, in de volgorde van de tabel: eerst zo veel "
        "mogelijk personen plaatsen, dan het tekort op de taakstellingen zo klein mogelijk "
        "maken, het zo eerlijk mogelijk verdelen en de overvulling beperken, tot slot de "
        "kosten (reistijd, verhuizing). 'Afstand tot het beste' is hoeveel beter een stap "
        f"nog had kunnen zijn volgens de rekenmethode; 0% is bewezen de beste. {esc(repro)}</p>"
        + signalen
        + _niveautabel(res)
        + '<h3>Rekenmodel</h3><div class="tabelvak smal"><table id="tabel-solver"><thead><tr>'
        '<th scope="col">Onderdeel</th><th scope="col">Waarde</th></tr></thead>'
        f"<tbody>{rijen}</tbody></table></div>",
    )

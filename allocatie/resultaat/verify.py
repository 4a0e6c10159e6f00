"""Independent re-check of a result against its instance.

`verify` recomputes every hard rule and every objective value from the
placements and the instance tables alone, with its own plain-Python code: it
imports nothing from the model, so a bug in the formulation cannot hide itself.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from allocatie.kern.errors import VerificatieFout
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance

EPS = 1e-6
_ANKERS = {
    "werk_gemeente": ("werk", "werk_min"),
    "studie_gemeente": ("studie", "studie_min"),
    "familie_gemeente": ("familie", "familie_min"),
    "zorg_gemeente": ("zorg", "zorg_min"),
}
_REGIO_KOLOM = {
    "provincie": "provincie_code",
    "arbeidsmarktregio": "arbeidsmarktregio_code",
    "coa_regio": "coa_regio",
}


@dataclass(frozen=True)
class Controle:
    """Outcome of `verify`: the recomputed level values and every violation found."""

    schendingen: tuple[str, ...]
    doelwaarden: dict[str, float]

    @property
    def ok(self) -> bool:
        """True when no rule is violated."""
        return not self.schendingen


def _datum(waarde: object) -> dt.date | None:
    if waarde is None or pd.isna(waarde):
        return None
    return pd.Timestamp(waarde).date()


def _reistijd(inst: Instance, h: dict, optie_pos: int, gemeente_pos: int) -> float:
    """Minutes from an option to a gemeente in the household's mode (input data)."""
    return float(inst.reistijden[h["vervoer"]].optie_gemeente[optie_pos, gemeente_pos])


def _harde_regels(
    inst: Instance, hid: str, h: dict, oid: str, o: dict, o_pos: int, gem_pos: dict[str, int]
) -> list[str]:
    """The hard rules (size class, availability, anchors) household ``h`` breaks in ``o``."""
    fout: list[str] = []
    pr = inst.preset
    ruimte = int(h["personen"]) + int(h["nareizigers"])
    if not (int(o["min_personen"]) <= ruimte <= int(o["max_personen"])):
        fout.append(
            f"{hid} ({ruimte} pers. incl. nareizigers) past niet in {oid} "
            f"({o['min_personen']}-{o['max_personen']})"
        )
    if pr.criteria.beschikbaarheid:
        vanaf, tot = _datum(o["beschikbaar_vanaf"]), _datum(o["beschikbaar_tot"])
        gereed = _datum(h["gereed_datum"])
        assert vanaf is not None and gereed is not None
        termijn = dt.timedelta(weeks=pr.limieten.termijn_weken)
        if vanaf > gereed + termijn or vanaf > inst.periode.eind:
            fout.append(f"{hid}: {oid} komt pas vrij op {vanaf}, na de termijn of de periode")
        if tot is not None and tot <= max(gereed, vanaf):
            fout.append(f"{hid}: {oid} sluit op {tot}, vóór de intrek")
    if pr.criteria.coa_regio:
        regio = inst.gemeenten["coa_regio"]

        def coa(code: str) -> str:
            return str(regio.iat[gem_pos[code]])

        thuis = coa(h["azc_gemeente"])
        # Exempt when an enforced anchor (werk, studie, familie, zorg) lies in another COA-regio.
        vrij = any(
            getattr(pr.criteria, crit) and h[kolom] and coa(h[kolom]) != thuis
            for kolom, (crit, _) in _ANKERS.items()
        )
        if not vrij and coa(o["gemeente_code"]) != thuis:
            fout.append(
                f"{hid}: {oid} ligt in COA-regio {coa(o['gemeente_code'])}, buiten COA-regio "
                f"{thuis} van het azc (harde regel)"
            )
    for kolom, (crit, limiet) in _ANKERS.items():
        anker = h[kolom]
        if not anker:
            continue
        t = _reistijd(inst, h, o_pos, gem_pos[anker])
        grens = pr.limieten.minuten_voor(limiet, h["vervoer"], int(h["personen"]))
        if getattr(pr.criteria, crit) and o["gemeente_code"] != anker and t > grens + EPS:
            fout.append(
                f"{hid}: {oid} ligt {t:.0f} min ({h['vervoer']}) van {crit} in {anker} "
                f"(max {grens:g} min)"
            )
    return fout


def _vastleggingen(
    inst: Instance,
    plaats: dict[str, str],
    hh: dict[str, dict],
    opt: dict[str, dict],
    opt_pos: dict[str, int],
    gem_pos: dict[str, int],
) -> list[str]:
    """Violations of the locks and bans set by hand.

    Every placement respects the bans and the household's lock. A household
    locked to an option is placed when the lock is admissible for it, every
    household locked there (with an admissible lock) fits the option's
    persons and units together, and no region capacity covers the option's
    gemeente: then nothing can stand in its way.
    """
    fout: list[str] = []
    vl = inst.vastleggingen.to_dict(orient="records")
    for r in vl:
        hid, aid, code = r["huishouden_id"], r["aanbod_id"], r["gemeente_code"]
        oid = plaats.get(hid)
        if oid is None:
            continue
        in_doel = oid == aid if aid else opt[oid]["gemeente_code"] == code
        if r["soort"] == "verbod" and in_doel:
            fout.append(f"{hid}: geplaatst in {oid}, maar dat is verboden door de regisseur")
        if r["soort"] == "vast" and not in_doel:
            fout.append(f"{hid}: geplaatst in {oid}, maar vastgelegd op {aid or code}")

    def toelaatbaar(hid: str, aid: str) -> bool:
        h, o = hh[hid], opt[aid]
        ruimte = int(h["personen"]) + int(h["nareizigers"])
        if int(o["eenheden"]) <= 0 or ruimte > int(o["capaciteit_personen"]):
            return False
        return not _harde_regels(inst, hid, h, aid, o, opt_pos[aid], gem_pos)

    gemeenten = inst.gemeenten.set_index("gemeente_code")
    in_regio = {
        str(c)
        for r in inst.regiocapaciteit.to_dict(orient="records")
        for c in gemeenten.index[gemeenten[_REGIO_KOLOM[r["regio_soort"]]] == r["regio_code"]]
    }
    groep: dict[str, list[str]] = defaultdict(list)
    for r in vl:
        if (
            r["soort"] == "vast"
            and r["aanbod_id"]
            and toelaatbaar(r["huishouden_id"], r["aanbod_id"])
        ):
            groep[r["aanbod_id"]].append(r["huishouden_id"])
    for aid, leden in groep.items():
        o = opt[aid]
        if o["gemeente_code"] in in_regio:
            continue
        ruimtes = [int(hh[x]["personen"]) + int(hh[x]["nareizigers"]) for x in leden]
        k = int(o["max_per_eenheid"])
        plaatsen = sum(1 if r == 1 else k for r in ruimtes)
        if sum(ruimtes) > int(o["capaciteit_personen"]) or plaatsen > k * int(o["eenheden"]):
            continue
        for hid in leden:
            if hid not in plaats:
                fout.append(
                    f"{hid}: vastgelegd op {aid}, dat past en plaats heeft, maar niet geplaatst"
                )
    return fout


def _stabiliteit(
    res: AllocationResult, plaats: dict[str, str], hh: dict[str, dict], fout: list[str]
) -> int:
    """Households of the round placed in ``res.vorige`` that are now elsewhere or unplaced.

    Also checks the table of what moved (``res.verschuivingen``): it lists
    exactly the households whose placement differs, with their old and new
    option, and ``telt_mee`` for exactly the ones counted here.
    """
    assert res.vorige is not None
    voor = dict(
        zip(
            res.vorige.plaatsingen["huishouden_id"],
            res.vorige.plaatsingen["aanbod_id"],
            strict=True,
        )
    )
    verschil = {h for h in set(voor) | set(plaats) if voor.get(h) != plaats.get(h)}
    telt = {h for h in verschil if h in voor and h in hh}
    tabel = res.verschuivingen
    if set(tabel["huishouden_id"]) != verschil or len(tabel) != len(verschil):
        fout.append(
            f"verschuivingen: {len(tabel)} rijen, maar {len(verschil)} huishoudens hebben een "
            "andere plaatsing dan in de vorige uitkomst"
        )
    for r in tabel.to_dict(orient="records"):
        hid = r["huishouden_id"]
        if (r["vorige_optie"] or None, r["nieuwe_optie"] or None) != (
            voor.get(hid),
            plaats.get(hid),
        ) or bool(r["telt_mee"]) != (hid in telt):
            fout.append(f"verschuivingen: rij van {hid} klopt niet met de plaatsingen")
    return len(telt)


def _ruil(
    inst: Instance, gem: dict[str, dict], tabel: dict[str, dict], fout: list[str]
) -> dict[str, tuple[int, int]]:
    """Per gemeente the swap (persons handed over, taken over) of the result, checked.

    Checks the bounds of the preset's ``[ruil]`` section, that only gemeenten
    with a partner in the same region swap and that every region balances
    (Huisvestingswet art. 29(2): the sum of the tasks is unchanged). Without
    swaps every amount must be 0.
    """
    pr = inst.preset.ruil
    kolom = _REGIO_KOLOM[pr.regio]
    uit: dict[str, tuple[int, int]] = {}
    saldo: dict[str, int] = defaultdict(int)
    leden: dict[str, int] = defaultdict(int)
    for g in gem.values():
        regio = g[kolom]
        if isinstance(regio, str) and regio:
            leden[regio] += 1
    for code, g in gem.items():
        rij = tabel.get(code, {})
        af, bij = int(rij.get("ruil_af", 0)), int(rij.get("ruil_bij", 0))
        uit[code] = (af, bij)
        if not af and not bij:
            continue
        if not pr.toegestaan:
            fout.append(f"gemeente {code}: ruil (af {af}, bij {bij}) terwijl ruilen uit staat")
            continue
        taak = int(g["taakstelling"])
        eigen = max(
            0,
            taak + int(g["achterstand"]) - int(g["voorsprong"]) - int(g["gerealiseerd"]),
        )
        max_af = min(eigen, int(pr.max_aandeel * taak + 1e-9))
        max_bij = int(pr.max_ontvangen * taak + 1e-9)
        if af < 0 or bij < 0 or af > max_af or bij > max_bij:
            fout.append(
                f"gemeente {code}: ruil af {af} / bij {bij} buiten de grenzen "
                f"(af hoogstens {max_af}, bij hoogstens {max_bij})"
            )
        regio = g[kolom]
        if not (isinstance(regio, str) and regio) or leden[regio] < 2:
            fout.append(f"gemeente {code}: ruilt, maar heeft geen partner in {pr.regio}")
            continue
        saldo[regio] += bij - af
    for regio, s in sorted(saldo.items()):
        if s != 0:
            fout.append(f"ruil in {pr.regio} {regio}: niet in balans (bij - af = {s})")
    return uit


def _ruilingen(res: AllocationResult, ruil: dict[str, tuple[int, int]], fout: list[str]) -> None:
    """The table of swap pairs adds up to each gemeente's net swap."""
    netto: dict[str, int] = defaultdict(int)
    for r in res.ruilingen.to_dict(orient="records"):
        netto[r["van_gemeente"]] -= int(r["personen"])
        netto[r["naar_gemeente"]] += int(r["personen"])
    for code, (af, bij) in ruil.items():
        if netto.get(code, 0) != bij - af:
            fout.append(
                f"ruilingen: gemeente {code} ruilt per saldo {netto.get(code, 0)}, "
                f"maar bij - af = {bij - af}"
            )


def verify(inst: Instance, res: AllocationResult, *, strikt: bool = True) -> Controle:
    """Re-check ``res`` against ``inst``.

    Parameters
    ----------
    strikt
        Raise `VerificatieFout` on any violation (default); otherwise only report.
    """
    fout: list[str] = []
    pr = inst.preset
    gem = {r["gemeente_code"]: r for r in inst.gemeenten.to_dict(orient="records")}
    hh = {r["huishouden_id"]: r for r in inst.huishoudens.to_dict(orient="records")}
    opt = {r["aanbod_id"]: r for r in inst.opties.to_dict(orient="records")}
    opt_pos = {a: i for i, a in enumerate(inst.opties["aanbod_id"])}
    gem_pos = {c: i for i, c in enumerate(inst.gemeenten["gemeente_code"])}

    # Every household exactly once: placed or unplaced.
    gezien: dict[str, str] = {}
    for hid in res.plaatsingen["huishouden_id"]:
        if hid in gezien:
            fout.append(f"huishouden {hid} is meer dan eens geplaatst")
        gezien[hid] = "geplaatst"
    for hid in res.onbediend["huishouden_id"]:
        if hid in gezien:
            fout.append(f"huishouden {hid} staat zowel geplaatst als onbediend")
        gezien[hid] = "onbediend"
    for hid in hh:
        if hid not in gezien:
            fout.append(f"huishouden {hid} ontbreekt in de uitkomst")
    for hid in gezien:
        if hid not in hh:
            fout.append(f"onbekend huishouden {hid} in de uitkomst")

    gebruik: dict[str, list[int]] = defaultdict(list)  # aanbod_id -> ruimte of each household
    personen_g: dict[str, int] = defaultdict(int)
    kosten = 0.0
    for rij in res.plaatsingen.to_dict(orient="records"):
        hid, oid = rij["huishouden_id"], rij["aanbod_id"]
        if hid not in hh or oid not in opt:
            fout.append(f"plaatsing {hid} -> {oid}: onbekend huishouden of aanbod")
            continue
        h, o = hh[hid], opt[oid]
        ruimte = int(h["personen"]) + int(h["nareizigers"])
        if int(rij["personen"]) != int(h["personen"]):
            fout.append(f"{hid}: personen in uitkomst {rij['personen']} != invoer {h['personen']}")
        if o["gemeente_code"] != rij["gemeente_code"]:
            fout.append(f"{hid}: gemeente {rij['gemeente_code']} hoort niet bij aanbod {oid}")
        fout.extend(_harde_regels(inst, hid, h, oid, o, opt_pos[oid], gem_pos))
        kp = pr.kosten
        k = 0.0
        if h["werk_gemeente"]:
            k += kp.per_minuut_werk * _reistijd(inst, h, opt_pos[oid], gem_pos[h["werk_gemeente"]])
        if h["studie_gemeente"]:
            k += kp.per_minuut_studie * _reistijd(
                inst, h, opt_pos[oid], gem_pos[h["studie_gemeente"]]
            )
        if gem[o["gemeente_code"]]["coa_regio"] != gem[h["azc_gemeente"]]["coa_regio"]:
            k += kp.buiten_coa_regio_per_persoon * int(h["personen"])
        if o["soort"] == "flex":
            k += kp.flex_per_persoon * int(h["personen"])
        kosten += k
        if abs(k - float(rij["kosten"])) > EPS * max(1.0, abs(k)):
            fout.append(f"{hid}: kosten in uitkomst {rij['kosten']:.4f} != herberekend {k:.4f}")
        gebruik[oid].append(ruimte)
        personen_g[o["gemeente_code"]] += int(h["personen"])

    for oid, ruimtes in gebruik.items():
        o = opt[oid]
        if sum(ruimtes) > int(o["capaciteit_personen"]):
            fout.append(f"{oid}: {sum(ruimtes)} personen > capaciteit {o['capaciteit_personen']}")
        k = int(o["max_per_eenheid"])
        alleen = sum(1 for r in ruimtes if r == 1)
        eenheden = (len(ruimtes) - alleen) + alleen / k
        if eenheden > int(o["eenheden"]) + EPS:
            fout.append(
                f"{oid}: {eenheden:g} eenheden gebruikt > {o['eenheden']} beschikbaar voor "
                "vergunninghouders"
            )

    plaats = dict(zip(res.plaatsingen["huishouden_id"], res.plaatsingen["aanbod_id"], strict=True))
    fout.extend(_vastleggingen(inst, plaats, hh, opt, opt_pos, gem_pos))

    for r in inst.regiocapaciteit.to_dict(orient="records"):
        kolom = _REGIO_KOLOM[r["regio_soort"]]
        totaal = sum(p for g, p in personen_g.items() if gem[g][kolom] == r["regio_code"])
        if totaal > int(r["max_personen"]):
            fout.append(
                f"regio {r['regio_soort']} {r['regio_code']}: {totaal} personen > "
                f"maximum {r['max_personen']}"
            )

    # Persons each gemeente's own supply can take at most (units x persons per unit,
    # a shareable unit counting its singles), capped by the option's capacity.
    aanbod: dict[str, int] = defaultdict(int)
    for o in opt.values():
        per_eenheid = max(int(o["max_personen"]), int(o["max_per_eenheid"]))
        aanbod[o["gemeente_code"]] += min(
            int(o["capaciteit_personen"]), int(o["eenheden"]) * per_eenheid
        )
    tekort = 0
    zmax = omax = 0.0
    tabel = {r["gemeente_code"]: r for r in res.per_gemeente.to_dict(orient="records")}
    ruil = _ruil(inst, gem, tabel, fout)
    for code, g in gem.items():
        taak = int(g["taakstelling"]) + int(g["achterstand"]) - int(g["voorsprong"])
        eigen = max(0, taak - int(g["gerealiseerd"]))
        af, bij = ruil.get(code, (0, 0))
        opgave = eigen - af + bij  # the need after swaps (Huisvestingswet art. 29(2))
        geplaatst = personen_g.get(code, 0)
        t, ov = max(0, opgave - geplaatst), max(0, geplaatst - opgave)
        tekort += t
        omax = max(omax, ov / max(1, int(g["taakstelling"])))
        if eigen > 0:  # fairness against the gemeente's own opgave and floor
            vloer = max(0, eigen - aanbod[code])
            zmax = max(zmax, max(0, t - vloer) / eigen)
        rij = tabel.get(code)
        if rij is None or (int(rij["geplaatst"]), int(rij["tekort"]), int(rij["opgave"])) != (
            geplaatst,
            t,
            eigen,
        ):
            fout.append(
                f"gemeente {code}: overzicht klopt niet (geplaatst {geplaatst}, tekort {t})"
            )
        elif int(rij.get("opgave_na_ruil", opgave)) != opgave:
            fout.append(f"gemeente {code}: opgave na ruil {rij['opgave_na_ruil']} != {opgave}")

    onbediend = sum(
        int(hh[h]["personen"]) for h, s in gezien.items() if s == "onbediend" and h in hh
    )
    doel = {
        "onbediend": float(onbediend),
        "tekort": float(tekort),
        "eerlijkheid": zmax,
        "kosten": kosten,
        "overvulling": omax,
    }
    if pr.ruil.toegestaan:
        doel["ruil"] = float(sum(af for af, _ in ruil.values()))
        _ruilingen(res, ruil, fout)
    if res.vorige is not None:
        doel["stabiliteit"] = float(_stabiliteit(res, plaats, hh, fout))
    for naam, waarde in doel.items():
        gemeld = res.doelwaarden.get(naam)
        if gemeld is None or abs(gemeld - waarde) > EPS * max(1.0, abs(waarde)):
            fout.append(f"doelwaarde {naam}: gemeld {gemeld}, herberekend {waarde}")
    for n in res.niveaus:
        if n.vastgehouden is not None and doel[n.naam] > n.vastgehouden + EPS * max(
            1.0, abs(n.vastgehouden)
        ):
            fout.append(
                f"niveau {n.naam}: {doel[n.naam]} overschrijdt vastgehouden {n.vastgehouden}"
            )
        if (
            n.grens is not None
            and n.waarde is not None
            and n.grens > n.waarde + EPS * max(1.0, abs(n.waarde))
        ):
            fout.append(f"niveau {n.naam}: grens {n.grens} boven waarde {n.waarde}")

    controle = Controle(tuple(fout), doel)
    if strikt and fout:
        raise VerificatieFout(fout)
    return controle

"""Property tests on small random rounds (``bouwers.willekeurige_ronde``, seeded).

Properties: every hard rule holds (`verify`), HiGHS and CBC agree on every
level, the same input gives the same placements, and the lexicographic levels
are what an independent brute-force enumeration of all assignments gives.

The agreement and brute-force tests solve with ``gap_relatief = 0``: at the
default relative gap (1e-4) a level may legitimately stop a hair above its
optimum, and two backends then differ by up to that gap.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from dataclasses import replace

import pandas as pd
import pytest
from bouwers import (
    BACKENDS,
    assert_niveaus_gelijk,
    los,
    niveauwaarden,
    plaatsing,
    willekeurige_ronde,
)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from allocatie.resultaat.verify import verify
from allocatie.ronde.instance import Instance
from allocatie.solvers import Status
from allocatie.strategie.oplossen import los_op

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
INSTELLINGEN = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@INSTELLINGEN
@given(seed=SEEDS)
# Regressions: HiGHS handed back its MIP start while reporting a better objective
# (seed 21: repaired by the LP over the continuous columns; 18: needs a solve without
# the start); CBC given a MIP start stopped at a worse "optimal" kosten (1224).
@example(seed=21)
@example(seed=18)
@example(seed=1224)
def test_harde_regels_en_backends_eens(seed: int) -> None:
    """Both backends: verify passes, and every level agrees (`assert_niveaus_gelijk`)."""
    uitkomsten = {b: los(willekeurige_ronde(seed, backend=b, gap_relatief=0.0)) for b in BACKENDS}
    assert_niveaus_gelijk(uitkomsten["highs"], uitkomsten["cbc"])


@pytest.mark.parametrize("backend", BACKENDS)
@INSTELLINGEN
@given(seed=SEEDS)
# Regression: CBC stopped on the default gap and printed its bound rounded above the
# solution (seed 145: "grens 225.945 boven waarde 225.9446"), which verify refused.
@example(seed=145)
def test_zelfde_invoer_zelfde_uitkomst(backend: str, seed: int) -> None:
    """Two independent builds and solves of the same round give identical tables."""
    a = los(willekeurige_ronde(seed, backend=backend))
    b = los(willekeurige_ronde(seed, backend=backend))
    pd.testing.assert_frame_equal(a.plaatsingen, b.plaatsingen)
    pd.testing.assert_frame_equal(a.onbediend, b.onbediend)
    pd.testing.assert_frame_equal(a.per_gemeente, b.per_gemeente)
    assert niveauwaarden(a) == niveauwaarden(b)


# -- brute force ----------------------------------------------------------------------------


def _minuten(optie: dict, gemeente: dict, gem: dict) -> float:
    """Travel minutes as `bouwers.ronde` defines them: km between gemeente points."""
    eigen = gem[optie["gemeente_code"]]
    if eigen["gemeente_code"] == gemeente["gemeente_code"]:
        return 0.0
    return math.hypot(eigen["x"] - gemeente["x"], eigen["y"] - gemeente["y"]) / 1000.0


def _datum(waarde: object) -> dt.date | None:
    return None if pd.isna(waarde) else pd.Timestamp(waarde).date()


def brute_force(inst: Instance, vorige: dict[str, str] | None = None) -> list[dict[str, float]]:
    """Level values of every feasible assignment, by enumeration (plain Python).

    Written from ``data/SCHEMA.md`` and the preset alone, not from the model:
    a household goes to one admissible option or stays unplaced; per option
    persons (incl. nareizigers) <= capacity and homes used <= homes for
    vergunninghouders (a single takes 1/k of a shareable home); per region
    placed persons <= its maximum. With the hard COA-regio rule a household
    stays in its azc's COA-regio unless an enforced anchor lies in another one.
    With ``vorige`` (household id -> previous aanbod_id) also ``stabiliteit``:
    previously placed households of the round not at that option now.
    """
    pr = inst.preset
    gem = {g["gemeente_code"]: g for g in inst.gemeenten.to_dict(orient="records")}
    hh = inst.huishoudens.to_dict(orient="records")
    op = inst.opties.to_dict(orient="records")
    termijn = dt.timedelta(weeks=pr.limieten.termijn_weken)
    ankers = {
        "werk_gemeente": (pr.criteria.werk, pr.limieten.werk_min),
        "studie_gemeente": (pr.criteria.studie, pr.limieten.studie_min),
        "familie_gemeente": (pr.criteria.familie, pr.limieten.familie_min),
        "zorg_gemeente": (pr.criteria.zorg, pr.limieten.zorg_min),
    }

    def past(h: dict, o: dict) -> bool:
        ruimte = h["personen"] + h["nareizigers"]
        if not o["min_personen"] <= ruimte <= o["max_personen"]:
            return False
        gereed, vanaf = _datum(h["gereed_datum"]), _datum(o["beschikbaar_vanaf"])
        tot = _datum(o["beschikbaar_tot"])
        assert gereed is not None and vanaf is not None
        if vanaf > gereed + termijn or vanaf > inst.periode.eind:
            return False
        if tot is not None and tot <= max(gereed, vanaf):
            return False
        if pr.criteria.coa_regio:
            thuis = gem[h["azc_gemeente"]]["coa_regio"]
            elders = any(
                geldt and h[kolom] and gem[h[kolom]]["coa_regio"] != thuis
                for kolom, (geldt, _) in ankers.items()
            )
            if not elders and gem[o["gemeente_code"]]["coa_regio"] != thuis:
                return False
        return all(
            not (geldt and h[kolom]) or _minuten(o, gem[h[kolom]], gem) <= limiet + 1e-9
            for kolom, (geldt, limiet) in ankers.items()
        )

    def kosten(h: dict, o: dict) -> float:
        kp = pr.kosten
        k = 0.0
        if h["werk_gemeente"]:
            k += kp.per_minuut_werk * _minuten(o, gem[h["werk_gemeente"]], gem)
        if h["studie_gemeente"]:
            k += kp.per_minuut_studie * _minuten(o, gem[h["studie_gemeente"]], gem)
        if gem[o["gemeente_code"]]["coa_regio"] != gem[h["azc_gemeente"]]["coa_regio"]:
            k += kp.buiten_coa_regio_per_persoon * h["personen"]
        if o["soort"] == "flex":
            k += kp.flex_per_persoon * h["personen"]
        return k

    regiokolom = {
        "provincie": "provincie_code",
        "arbeidsmarktregio": "arbeidsmarktregio_code",
        "coa_regio": "coa_regio",
    }
    regio = inst.regiocapaciteit.to_dict(orient="records")
    # Persons each gemeente's own options can take: units x persons per unit (a
    # shareable unit counting its singles), capped by the option's capacity.
    aanbod = dict.fromkeys(gem, 0)
    for o in op:
        per_eenheid = max(o["max_personen"], o["max_per_eenheid"])
        aanbod[o["gemeente_code"]] += min(o["capaciteit_personen"], o["eenheden"] * per_eenheid)
    keuzes = [[None] + [j for j, o in enumerate(op) if past(h, o)] for h in hh]
    uit = []
    for toewijzing in itertools.product(*keuzes):
        personen_o = [0] * len(op)
        delen_o = [0] * len(op)  # slots used, of max_per_eenheid per unit
        personen_g = dict.fromkeys(gem, 0)
        onbediend, totaal = 0, 0.0
        for h, j in zip(hh, toewijzing, strict=True):
            if j is None:
                onbediend += h["personen"]
                continue
            o = op[j]
            ruimte = h["personen"] + h["nareizigers"]
            personen_o[j] += ruimte
            delen_o[j] += 1 if ruimte == 1 else o["max_per_eenheid"]
            personen_g[o["gemeente_code"]] += h["personen"]
            totaal += kosten(h, o)
        if any(
            personen_o[j] > o["capaciteit_personen"]
            or delen_o[j] > o["max_per_eenheid"] * o["eenheden"]
            for j, o in enumerate(op)
        ):
            continue
        if any(
            sum(
                p
                for g, p in personen_g.items()
                if gem[g][regiokolom[r["regio_soort"]]] == r["regio_code"]
            )
            > r["max_personen"]
            for r in regio
        ):
            continue
        tekort = {g: max(0, gem[g]["opgave"] - p) for g, p in personen_g.items()}
        verschoven = sum(
            1
            for h, j in zip(hh, toewijzing, strict=True)
            if h["huishouden_id"] in (vorige or {})
            and (j is None or op[j]["aanbod_id"] != (vorige or {})[h["huishouden_id"]])
        )
        uit.append(
            {
                "stabiliteit": float(verschoven),
                "onbediend": float(onbediend),
                "tekort": float(sum(tekort.values())),
                # Relative shortfall beyond what the gemeente's own supply forces.
                "eerlijkheid": max(
                    (
                        max(0, t - max(0, gem[g]["opgave"] - aanbod[g])) / gem[g]["opgave"]
                        for g, t in tekort.items()
                        if gem[g]["opgave"] > 0
                    ),
                    default=0.0,
                ),
                "kosten": totaal,
                # Largest over-fulfilment relative to the taakstelling.
                "overvulling": max(
                    (
                        max(0, p - gem[g]["opgave"]) / max(1, gem[g]["taakstelling"])
                        for g, p in personen_g.items()
                    ),
                    default=0.0,
                ),
            }
        )
    return uit


@pytest.mark.parametrize("model", ["standaard", "werk-eerst"])
@pytest.mark.parametrize("backend", BACKENDS)
@INSTELLINGEN
@given(seed=SEEDS)
@example(seed=36)  # regression: HiGHS returned its start (tekort 5, optimum 4)
# Regressions, CBC's preprocessing: on onbediend (continuous) kept within the held
# level's 1e-6 slack, 134284259 (standaard) "infeasible", so the start came back
# (overvulling 0.5, optimum 0.25), and 464720983 (werk-eerst) kosten 24 "optimal"
# (22); probing general integers, 3268397702 (werk-eerst) onbediend 13 (12).
@example(seed=134284259)
@example(seed=464720983)
@example(seed=3268397702)
def test_niveaus_gelijk_aan_brute_force(backend: str, model: str, seed: int) -> None:
    """<= 6 households, <= 3 options: each level equals the enumerated optimum.

    The levels are emulated as `solve` runs them: the best value of a level
    over the assignments kept so far, then only the assignments within the
    held slack (tolerance 0 in both presets, plus 1e-6 relative) are kept.
    Both the level as solved and the final placements' value must match.
    """
    inst = willekeurige_ronde(
        seed,
        huishoudens=(1, 6),
        opties=(1, 3),
        model=model,
        backend=backend,
        gap_relatief=0.0,
    )
    res = los(inst)
    # Every level proven optimal: a backend that hands back its start may hit the
    # optimum by luck (tiny rounds), which the values alone would not show.
    assert res.status is Status.OPTIMAAL, [(n.naam, n.status.value) for n in res.niveaus]
    kandidaten = brute_force(inst)
    assert kandidaten, "nobody placed is always feasible"
    for naam in inst.preset.doel.volgorde:
        if naam == "stabiliteit":  # skipped without a previous outcome
            assert naam not in niveauwaarden(res)
            continue
        beste = min(k[naam] for k in kandidaten)
        ruimte = 1e-6 * max(1.0, abs(beste)) + 1e-8
        assert niveauwaarden(res)[naam] == pytest.approx(beste, abs=ruimte), naam
        assert beste - 1e-9 <= res.doelwaarden[naam] <= beste + ruimte, naam
        kandidaten = [k for k in kandidaten if k[naam] <= beste + ruimte]


@pytest.mark.parametrize("model", ["standaard", "werk-eerst"])
@pytest.mark.parametrize("backend", BACKENDS)
@INSTELLINGEN
@given(seed=SEEDS, coa=st.booleans())
@example(seed=36, coa=True)
def test_herhaalde_ronde_gelijk_aan_brute_force(
    backend: str, model: str, seed: int, coa: bool
) -> None:
    """A re-run given a random previous outcome: each level, ``stabiliteit`` included,
    equals the enumerated optimum; optionally with the hard COA-regio rule.

    The previous outcome is the round's own optimum with about a third of the
    households moved to a random option (admissible or not, or one that no
    longer exists) or unplaced, plus a household that is no longer in the round.
    """
    inst = willekeurige_ronde(
        seed, huishoudens=(1, 6), opties=(1, 3), model=model, backend=backend, gap_relatief=0.0
    )
    if coa:
        criteria = replace(inst.preset.criteria, coa_regio=True)
        inst = replace(inst, preset=replace(inst.preset, criteria=criteria))
    # The previous outcome: this round's own optimum with about a third perturbed.
    rng = random.Random(seed)
    opties = [*inst.opties["aanbod_id"].tolist(), "W-WEG"]
    vorige = plaatsing(los(inst))
    for hid in inst.huishoudens["huishouden_id"]:
        if rng.random() < 0.35:
            keuze = rng.choice([None, *opties])
            if keuze is None:
                vorige.pop(hid, None)
            else:
                vorige[hid] = keuze
    tabel = pd.DataFrame(
        [*vorige.items(), ("H-WEG", opties[0])], columns=["huishouden_id", "aanbod_id"]
    )
    res = los_op(inst, controleer=False, vorige=tabel)
    verify(inst, res)
    kandidaten = brute_force(inst, vorige)
    assert "stabiliteit" in niveauwaarden(res)
    for naam in inst.preset.doel.volgorde:
        beste = min(k[naam] for k in kandidaten)
        ruimte = 1e-6 * max(1.0, abs(beste)) + 1e-8
        assert niveauwaarden(res)[naam] == pytest.approx(beste, abs=ruimte), naam
        assert beste - 1e-9 <= res.doelwaarden[naam] <= beste + ruimte, naam
        kandidaten = [k for k in kandidaten if k[naam] <= beste + ruimte]
    v = res.verschuivingen
    assert int(v["telt_mee"].astype(bool).sum()) == res.doelwaarden["stabiliteit"]
    assert "H-WEG" in set(v.loc[v["soort"] == "niet meer in de ronde", "huishouden_id"])

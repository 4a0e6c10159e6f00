"""Tiny hand-checked rounds: each optimum is derived by hand in the docstring.

Conventions (see ``bouwers``): gemeente ``n`` is ``GM000n`` at the given km
position; everybody's azc is in gemeente 1 (COA-regio Noord) unless stated;
a gemeente's taakstelling is 0 unless stated; regular homes are for 1-4
persons and one household each unless stated. The ``standaard`` preset orders
the levels onbediend, tekort, eerlijkheid, overvulling, kosten (standaard); costs are
1 per km to work or study, 10 per person outside the azc's COA-regio and 2 per
person on a flex site. Every test runs on HiGHS and CBC, and every solution
passes the independent `verify`.
"""

from __future__ import annotations

import json

import pytest
from bouwers import (
    BACKENDS,
    NIVEAUS,
    assert_niveaus_gelijk,
    gemeente,
    gm,
    huishouden,
    los,
    per_gemeente,
    plaatsing,
    ronde,
    willekeurige_ronde,
    woning,
)
from gevallen import (
    GEVALLEN,
    geval_coa,
    geval_delen,
    geval_delen_signaal,
    geval_eerlijk,
    geval_familie,
    geval_flex,
    geval_geen_optie,
    geval_gezin_hele_woning,
    geval_mixwonen,
    geval_nareiziger_deelt_niet,
    geval_nareizigers,
    geval_opgave,
    geval_periode_eind,
    geval_personen,
    geval_personen_eerst,
    geval_regio,
    geval_sluiting,
    geval_tekort_per_gemeente,
    geval_termijn,
    geval_werk_kosten,
    geval_werk_limiet,
    geval_woningen,
    geval_zorg,
    paren,
)

from allocatie.solvers import Status

pytestmark = pytest.mark.parametrize("backend", BACKENDS)


# -- capacity -------------------------------------------------------------------------------


def test_capaciteit_woningen(backend: str) -> None:
    """Two homes, three households of 2: each takes a whole home, so one stays unplaced.

    Every assignment places at most 2 households (units), so onbediend >= 2
    persons; any two placed reach it. Need 6 → tekort 2.
    """
    res = los(geval_woningen(backend))
    assert len(res.plaatsingen) == 2
    assert res.doelwaarden["onbediend"] == 2
    assert res.doelwaarden["tekort"] == 2
    assert res.per_optie.set_index("aanbod_id").loc["W1", "eenheden_gebruikt"] == 2


def test_capaciteit_personen(backend: str) -> None:
    """Room for 5 persons (4 units): A(3)+B(3)=6 does not fit; A or B with C(2) gives 5.

    Placed persons at most 5 → onbediend >= 8 - 5 = 3, reached only by {A, C}
    or {B, C}: C is always placed, exactly one of A and B.
    """
    res = los(geval_personen(backend))
    geplaatst = set(plaatsing(res))
    assert "C" in geplaatst and len(geplaatst & {"A", "B"}) == 1
    assert res.doelwaarden["onbediend"] == 3
    assert res.per_optie.set_index("aanbod_id").loc["F1", "personen"] == 5


# -- sharing and nareizigers ---------------------------------------------------------------


def test_alleenstaanden_delen_woning(backend: str) -> None:
    """max_per_woning 2: two singles use one slot each of the one home's two.

    Both placed (onbediend 0), one home used.
    """
    res = los(geval_delen(backend))
    assert plaatsing(res) == {"S1": "W1", "S2": "W1"}
    rij = res.per_optie.set_index("aanbod_id").loc["W1"]
    assert (rij["eenheden_gebruikt"], rij["huishoudens"]) == (1, 2)


def test_gezin_neemt_hele_woning(backend: str) -> None:
    """A family uses both slots of a shareable home: the family or the single, not both.

    Family placed → onbediend 1 (the single); single placed → onbediend 2.
    """
    res = los(geval_gezin_hele_woning(backend))
    assert plaatsing(res) == {"GZ": "W1"}
    assert res.doelwaarden["onbediend"] == 1


def test_delen_boven_max_personen(backend: str) -> None:
    """Sharing counts per single, not per max_personen: W1 takes 2 singles, F1 takes 3,
    so all 5 are placed, and no signal claims that some must stay unplaced."""
    res = los(geval_delen_signaal(backend))
    assert sorted(plaatsing(res).values()) == ["F1", "F1", "F1", "W1", "W1"]
    assert not any("blijven onbediend" in s for s in res.signalen)


def test_nareizigers_reserveren_ruimte(backend: str) -> None:
    """A (1 person + 3 nareizigers) needs room for 4: only W2 (3-4) fits, not W1 (1-2).

    B (2) fits only W1 (W2 starts at 3). Both placed: A counts 1 person for
    gemeente 2 (need 1), B 2 for gemeente 1 (need 2): no shortfall, no excess.
    """
    inst = geval_nareizigers(backend)
    assert paren(inst) == {("A", "W2"), ("B", "W1")}
    res = los(inst)
    assert plaatsing(res) == {"A": "W2", "B": "W1"}
    assert per_gemeente(res, "geplaatst") == {gm(1): 2, gm(2): 1}
    assert res.doelwaarden["tekort"] == 0 and res.doelwaarden["overvulling"] == 0
    w2 = res.per_optie.set_index("aanbod_id").loc["W2"]
    assert (w2["personen"], w2["ruimte_gebruikt"]) == (1, 4)


def test_nareiziger_deelt_niet(backend: str) -> None:
    """A single with a nareiziger is not a single: it takes the whole shareable home.

    Only one of A and S fits (A uses 2 of 2 slots); both are 1 person, so
    onbediend is 1 either way, and the rest ties.
    """
    res = los(geval_nareiziger_deelt_niet(backend))
    assert len(res.plaatsingen) == 1
    assert res.doelwaarden["onbediend"] == 1


def test_geen_passende_optie(backend: str) -> None:
    """G7 (7 persons) fits no home (max 4): no pair exists, it stays unplaced; B is placed."""
    inst = geval_geen_optie(backend)
    assert not any(h == "G7" for h, _ in paren(inst))
    res = los(inst)
    assert plaatsing(res) == {"B": "W1"}
    rij = res.onbediend.set_index("huishouden_id").loc["G7"]
    assert rij["passende_opties"] == 0 and rij["reden"].startswith("geen passende optie")
    assert res.doelwaarden["onbediend"] == 7
    assert any("geen enkele passende optie" in s for s in res.signalen)


# -- the objective levels ------------------------------------------------------------------


def test_personen_eerst(backend: str) -> None:
    """Fewest persons unplaced comes first, before shortfall and over-fulfilment.

    Room for 6 persons in 5 units: the family (5, one unit) and one single
    place 6 persons (onbediend 4); the five singles place only 5 (onbediend 5)
    though they would fit the need of 5 exactly. Optimum: the family and one
    single, over-fulfilment 1 in total; the overvulling level (largest
    over-fulfilment relative to the taakstelling of 5) is 1/5.
    """
    res = los(geval_personen_eerst(backend))
    geplaatst = set(plaatsing(res))
    assert "GZ" in geplaatst and len(geplaatst) == 2
    assert res.doelwaarden["onbediend"] == 4
    assert res.per_gemeente["overvulling"].sum() == 1
    assert res.doelwaarden["overvulling"] == pytest.approx(0.2)


def test_tekort_per_gemeente(backend: str) -> None:
    """Need is per gemeente: 1 in gemeente 1, 3 in gemeente 2.

    A (3) in 1 and B (1) in 2: shortfall 2 in gemeente 2 (costs 10, B leaves
    the COA-regio). A in 2 and B in 1: shortfall 0 (costs 20 km work + 30
    COA = 50). Shortfall comes before cost: A in W2, B in W1.
    """
    res = los(geval_tekort_per_gemeente(backend))
    assert plaatsing(res) == {"A": "W2", "B": "W1"}
    assert per_gemeente(res, "tekort") == {gm(1): 0, gm(2): 0}
    assert per_gemeente(res, "overvulling") == {gm(1): 0, gm(2): 0}
    assert res.doelwaarden["kosten"] == pytest.approx(50.0)


def test_eerlijk_relatief_tekort(backend: str) -> None:
    """Min-max relative shortfall: need 2 and 6, four singles, homes enough everywhere.

    With a singles in gemeente 1, shortfall is 4 for a <= 2 (5 for a = 3, 6 for
    a = 4), so a in {0, 1, 2}. Largest relative shortfall: a=0 → 2/2 = 1,
    a=1 → max(1/2, 3/6) = 0.5, a=2 → 4/6. Optimum a = 1 (z = 0.5), though
    costs (10 per single in gemeente 2) favour a = 2 and an absolute min-max
    would pick a = 0. Costs 30.
    """
    res = los(geval_eerlijk(backend))
    assert per_gemeente(res, "geplaatst") == {gm(1): 1, gm(2): 3}
    assert res.doelwaarden["tekort"] == 4
    assert res.doelwaarden["eerlijkheid"] == pytest.approx(0.5)
    assert res.doelwaarden["kosten"] == pytest.approx(30.0)


def test_eerlijkheid_negeert_tekort_door_eigen_aanbod(backend: str) -> None:
    """As `test_eerlijk_relatief_tekort`, plus gemeente 3 with need 4 and no homes at all.

    Gemeente 3's shortfall of 4 is forced by its own supply (aanbod 0, vloer 4),
    so it does not pin the fairness level at 100%: without the floor every
    placement would have z = 1 and costs would pick a = 2 (z' = 4/6). With the
    floor the optimum stays a = 1, z = 0.5, costs 30; gemeente 3 reports its
    shortfall as caused by supply (tekort_door_aanbod 4).
    """
    inst = ronde(
        [gemeente(1), gemeente(2, 20, coa="Oost"), gemeente(3, 40, coa="Oost")],
        {1: 2, 2: 6, 3: 4},
        [huishouden(f"S{i}") for i in range(1, 5)],
        [woning("W1", 1, woningen=4), woning("W2", 2, woningen=4)],
        backend=backend,
    )
    res = los(inst)
    assert per_gemeente(res, "geplaatst") == {gm(1): 1, gm(2): 3, gm(3): 0}
    assert res.doelwaarden["eerlijkheid"] == pytest.approx(0.5)
    assert res.doelwaarden["kosten"] == pytest.approx(30.0)
    assert per_gemeente(res, "tekort_door_aanbod") == {gm(1): 0, gm(2): 0, gm(3): 4}
    assert per_gemeente(res, "aanbod_personen") == {gm(1): 16, gm(2): 16, gm(3): 0}


def test_werk_limiet_hard(backend: str) -> None:
    """werk_min 40: the home 45 minutes from work is no pair at all, even though only that
    gemeente has need; A goes to W2 at 30 km (cost 30), gemeente 3 keeps shortfall 2."""
    inst = geval_werk_limiet(backend)
    assert paren(inst) == {("A", "W2")}
    res = los(inst)
    assert plaatsing(res) == {"A": "W2"}
    assert res.plaatsingen.loc[0, "reistijd_werk_min"] == pytest.approx(30.0)
    assert res.doelwaarden["kosten"] == pytest.approx(30.0)
    assert per_gemeente(res, "tekort")[gm(3)] == 2


def test_werk_reisafstand_kosten(backend: str) -> None:
    """Need 1 in gemeenten 2 and 3: shortfall 1 and largest relative shortfall 1
    either way; work travel decides: 10 km (W2) beats 30 km (W3)."""
    res = los(geval_werk_kosten(backend))
    assert plaatsing(res) == {"A": "W2"}
    assert res.plaatsingen.loc[0, "kosten_werk"] == pytest.approx(10.0)


def test_familie_in_de_gemeente_zelf(backend: str) -> None:
    """familie_min 0: only options in gemeente 2 itself (W2 and the flex site F2 inside it,
    4 km off the gemeente's point) are pairs; W1 5 km away is not, though gemeente 1
    has the need. W2 beats F2 on cost (flex 2 per person)."""
    inst = geval_familie(backend)
    assert paren(inst) == {("A", "W2"), ("A", "F2")}
    res = los(inst)
    assert plaatsing(res) == {"A": "W2"}
    assert res.doelwaarden["tekort"] == 1


def test_zorg_binnen_bereik(backend: str) -> None:
    """zorg_min 30: W3 at 35 km is no pair (despite the need in gemeente 3); W2 at 25 km is.
    Care is a criterion, not a cost: kosten 0."""
    inst = geval_zorg(backend)
    assert paren(inst) == {("A", "W2")}
    res = los(inst)
    assert plaatsing(res) == {"A": "W2"}
    assert res.doelwaarden["kosten"] == 0


def test_coa_regio_boete(backend: str) -> None:
    """Need 1 in gemeenten 2 and 3: the couple leaves shortfall 1 and excess 1 either way.
    Staying in COA-regio Noord (50 km, no work) costs 0, Oost 5 km away 2 x 10 = 20."""
    res = los(geval_coa(backend))
    assert plaatsing(res) == {"A": "W2"}
    assert res.doelwaarden["kosten"] == 0


def test_flex_boete(backend: str) -> None:
    """A regular home before a flex site: one of A, B gets W1, the other F1 (all placed,
    need 6 → shortfall 0); the flex costs 2 x 3 = 6, whoever gets it."""
    res = los(geval_flex(backend))
    assert sorted(plaatsing(res).values()) == ["F1", "W1"]
    assert res.doelwaarden["kosten"] == pytest.approx(6.0)


def test_mixwonen_aandeel(backend: str) -> None:
    """max_aandeel_vh 0.5 of 10 units → 5 units for vergunninghouders: 5 of 6 singles."""
    inst = geval_mixwonen(backend)
    f1 = inst.opties.set_index("aanbod_id").loc["F1"]
    assert (f1["eenheden_totaal"], f1["eenheden"]) == (10, 5)
    res = los(inst)
    assert len(res.plaatsingen) == 5
    assert res.per_optie.set_index("aanbod_id").loc["F1", "eenheden_gebruikt"] == 5


# -- availability ----------------------------------------------------------------------------


def test_termijn_na_gereed(backend: str) -> None:
    """Ready 2025-01-01 + 14 weeks = 2025-04-09: W1 (free that day) is a pair, W2 (a day
    later) is not, though gemeente 2 has the need."""
    inst = geval_termijn(backend)
    assert paren(inst) == {("A", "W1")}
    assert plaatsing(los(inst)) == {"A": "W1"}


def test_flex_sluit_voor_intrek(backend: str) -> None:
    """Move-in on 2025-03-01: F2 closing that day is no pair; F1 closing a day later is."""
    inst = geval_sluiting(backend)
    assert paren(inst) == {("A", "F1")}
    assert plaatsing(los(inst)) == {"A": "F1"}


def test_vrij_na_periode(backend: str) -> None:
    """Period 2025-I ends 30 June: W2 free on 1 July is no pair (within the 14 weeks
    though); W1 free on 30 June is."""
    inst = geval_periode_eind(backend)
    assert paren(inst) == {("A", "W1")}
    assert plaatsing(los(inst)) == {"A": "W1"}


# -- regions and need -----------------------------------------------------------------------


def test_regiocapaciteit(backend: str) -> None:
    """PV20 takes at most 2 persons: all 4 singles placed needs 2 in gemeente 3.

    Shortfall 4 - 2 = 2; fairness splits PV20's 2 as 1 + 1 (z = 1/2, not 1).
    """
    res = los(geval_regio(backend))
    assert per_gemeente(res, "geplaatst") == {gm(1): 1, gm(2): 1, gm(3): 2}
    assert res.doelwaarden["eerlijkheid"] == pytest.approx(0.5)


def test_opgave_met_overloop(backend: str) -> None:
    """Need = max(0, taakstelling + achterstand - voorsprong - gerealiseerd): 3, 1, 0.

    Four singles fill it exactly (shortfall 0) though gemeente 3 is cheaper
    (the azc's COA-regio); costs 4 x 10 = 40. The saldo for the next period is
    0, 0 and -2 (a voorsprong of 2 in gemeente 3).
    """
    res = los(geval_opgave(backend))
    assert per_gemeente(res, "opgave") == {gm(1): 3, gm(2): 1, gm(3): 0}
    assert per_gemeente(res, "geplaatst") == {gm(1): 3, gm(2): 1, gm(3): 0}
    assert per_gemeente(res, "saldo") == {gm(1): 0, gm(2): 0, gm(3): -2}
    assert res.doelwaarden["kosten"] == pytest.approx(40.0)


# -- presets ------------------------------------------------------------------------------------


def test_werk_eerst_herschikt_niveaus(backend: str) -> None:
    """The same round under both presets (need 1 and 3; A of 3 works in gemeente 1).

    standaard (tekort before kosten): A in W2, B in W1 → shortfall 0, costs
    20 (work) + 30 (COA) = 50.
    werk-eerst (kosten before tekort, 5 per minute, werk_min 30 so 20 minutes is
    allowed): A in W2 costs 5 x 20 + 30 = 130 against A in W1, B in W2 at
    10 → A in W1, B in W2, shortfall 2 in gemeente 2 and excess 2 in 1.
    """
    std = los(geval_tekort_per_gemeente(backend))
    we = los(geval_tekort_per_gemeente(backend, model="werk-eerst"))
    assert plaatsing(std) == {"A": "W2", "B": "W1"}
    assert plaatsing(we) == {"A": "W1", "B": "W2"}
    assert [n.naam for n in we.niveaus] == [
        "onbediend",
        "kosten",
        "tekort",
        "eerlijkheid",
        "overvulling",
    ]
    assert (std.doelwaarden["tekort"], std.doelwaarden["kosten"]) == (0, pytest.approx(50.0))
    assert (we.doelwaarden["tekort"], we.doelwaarden["kosten"]) == (2, pytest.approx(10.0))
    assert we.doelwaarden["overvulling"] == 2


# -- backend agreement ------------------------------------------------------------------------


@pytest.mark.parametrize("geval", sorted(GEVALLEN))
def test_backends_eens(backend: str, geval: str) -> None:
    """Every tiny case: the other backend reaches the same value at every level.

    ``backend`` is the one compared with HiGHS (HiGHS against itself is a
    determinism check: the same input gives the same placements).
    """
    referentie = los(GEVALLEN[geval]("highs"))
    res = los(GEVALLEN[geval](backend))
    assert_niveaus_gelijk(referentie, res)
    if backend == "highs":
        assert plaatsing(res) == plaatsing(referentie)


# -- time limit and summary ---------------------------------------------------------------------


def test_tijdslimiet(backend: str) -> None:
    """A round of 300 households with 0.05 s for all five levels: not every level fits,
    yet a verified result comes back, marked TIJDSLIMIET, with per solved level its
    value and, where the solver proved one, a bound at or below it and the gap."""
    inst = willekeurige_ronde(
        7,
        gemeenten=(30, 30),
        huishoudens=(300, 300),
        opties=(60, 60),
        backend=backend,
        tijdslimiet_s=0.05,
    )
    res = los(inst)
    assert res.status is Status.TIJDSLIMIET
    assert 1 <= len(res.niveaus) <= 5
    for n in res.niveaus:
        assert n.status in (Status.OPTIMAAL, Status.TIJDSLIMIET)
        assert n.waarde is not None and n.vastgehouden is not None
        assert (n.grens is None) == (n.gap is None)
        if n.grens is not None:
            assert n.grens <= n.waarde + 1e-6 * max(1.0, abs(n.waarde))
    samenvatting = json.loads(json.dumps(res.samenvatting(), allow_nan=False))
    assert samenvatting["status"] == "tijdslimiet"


def test_samenvatting_json(backend: str) -> None:
    """The summary is plain JSON with status, levels (waarde, grens, gap), counts and
    the per-gemeente table (the fairness case: 1 single in gemeente 1, 3 in 2)."""
    res = los(geval_eerlijk(backend))
    s = json.loads(json.dumps(res.samenvatting(), allow_nan=False))
    assert s["status"] == "optimaal" and s["backend"] == backend
    assert [n["naam"] for n in s["niveaus"]] == list(NIVEAUS)
    for n in s["niveaus"]:
        assert {"waarde", "grens", "gap", "status", "vastgehouden"} <= set(n)
        assert n["gap"] == pytest.approx(0.0, abs=1e-4)
    assert s["aantallen"] == {
        "huishoudens_geplaatst": 4,
        "personen_geplaatst": 4,
        "huishoudens_onbediend": 0,
        "personen_onbediend": 0,
        "opgave": 8,
        "tekort": 4,
        "overvulling": 0,
    }
    rijen = {r["gemeente_code"]: r for r in s["per_gemeente"]}
    assert (rijen[gm(1)]["geplaatst"], rijen[gm(2)]["geplaatst"]) == (1, 3)
    assert rijen[gm(2)]["relatief_tekort"] == pytest.approx(0.5)
    assert s["doelwaarden"]["eerlijkheid"] == pytest.approx(0.5)


@pytest.mark.slow
def test_tijdslimiet_zonder_eigen_oplossing(backend: str) -> None:
    """1,000 households, 0.5 s: the first level stops before the solver has a solution of
    its own (CBC's preprocessing then even reports "infeasible", a model that is always
    feasible). The feasible start (nobody placed) comes back as the level's solution:
    status TIJDSLIMIET, never ONHAALBAAR or GEEN_OPLOSSING, and verify passes."""
    inst = willekeurige_ronde(
        7,
        gemeenten=(30, 30),
        huishoudens=(1000, 1000),
        opties=(150, 150),
        backend=backend,
        tijdslimiet_s=0.5,
    )
    res = los(inst)
    assert res.status is Status.TIJDSLIMIET
    assert res.niveaus[0].status in (Status.TIJDSLIMIET, Status.OPTIMAAL)  # OPTIMAAL: fast
    assert res.niveaus[0].waarde is not None

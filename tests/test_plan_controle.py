"""The independent check of a flex plan and its outcome (`allocatie.planning.model.controle`).

Solved outcomes pass, for both solvers (extensive form and Benders), both risk
measures, with and without relocation and doorstroom, for the policies and for
perfect information. Then one tampered outcome per rule (a modified copy of
one array through `dataclasses.replace`) must be caught by that rule.

The base of the tampering is the outcome of a fixed plan chosen by hand so
that every decision occurs: two studios ordered in Utrecht in the first
period, one studio moved from Zeeland to Utrecht in the first period and one
closed in Zeeland in the second (Zeeland has two, both old enough). So
Zeeland's studios lose one module in each of the first two periods (``afname``
1 and 1: 8 places that may displace residents each time), Utrecht none.
"""

from __future__ import annotations

import doctest
import functools
from dataclasses import replace

import numpy as np
import pytest

import allocatie.planning.model.controle as controle_mod
from allocatie.kern.errors import ConfiguratieFout, VerificatieFout
from allocatie.planning.gegevens import (
    Flextype,
    Kosten,
    Planinstantie,
    Regio,
    Risico,
    Scenarioset,
    Verplaatsing,
)
from allocatie.planning.model.benders import los_benders_op
from allocatie.planning.model.bouw import Beperking, Plan
from allocatie.planning.model.controle import controleer_plan, verifieer_plan
from allocatie.planning.model.oplossen import los_plan_op, voeg_samen
from allocatie.planning.model.uitkomst import Planuitkomst
from allocatie.solvers import SolverOpties

OPTIES = SolverOpties(gap_relatief=1e-9, tijdslimiet_s=30.0)
PERIODEN = ("2027-I", "2027-II", "2028-I", "2028-II")
U, Z = 0, 1  # regions
STUDIO, WONING = 0, 1  # flex types
ALLEEN, GEZIN = 0, 1  # classes


@functools.cache
def _instantie(verplaatsing: bool = True, doorstroom: float = 0.25, cvar: bool = False):
    """Two regions, four periods, two classes, two types; three scenarios (seeded)."""
    rng = np.random.default_rng(2027)
    klassen = ("alleenstaand", "gezin")
    basis = np.array([[14.0, 6.0], [4.0, 2.0]])  # (R, K)
    niveau = np.array([0.5, 1.0, 2.2])[:, None, None, None]
    instroom = niveau * basis[None, :, None, :] * rng.uniform(0.7, 1.3, (3, 2, 4, 2))
    aanbod = basis[None, :, None, :] * rng.uniform(0.3, 0.6, (3, 2, 4, 2))
    sc = Scenarioset(
        ("Utrecht", "Zeeland"),
        PERIODEN,
        klassen,
        ("s1", "s2", "s3"),
        np.array([0.5, 0.3, 0.2]),
        instroom,
        aanbod,
    )
    typen = (
        Flextype("studio", 8, ("alleenstaand",), 300, 60, 40, 100, 1, 1),
        Flextype("woning", 4, klassen, 350, 50, 30, 120, 1, 2),
    )
    regios = (
        Regio(
            "Utrecht",
            bestaand={"studio": 1},
            bezetting={"studio": 8},
            max_modules={"studio": 4, "woning": 3},
            achterstand={"alleenstaand": 10, "gezin": 4},
        ),
        Regio(
            "Zeeland",
            bestaand={"studio": 2, "woning": 1},
            bezetting={"studio": 10, "woning": 3},
            max_modules={"studio": 3, "woning": 2},
            achterstand={"alleenstaand": 2},
        ),
    )
    kosten = Kosten({"alleenstaand": 25, "gezin": 35}, verdringing=20, eind_achterstand=30)
    return Planinstantie(
        regios,
        typen,
        kosten,
        sc,
        Verplaatsing(verplaatsing, kosten=60, duur=1, paren=(("Zeeland", "Utrecht"),)),
        doorstroom,
        Risico("cvar", alfa=0.6, gewicht=0.5) if cvar else Risico(),
    )


def _handplan() -> Plan:
    """Two studios ordered in Utrecht, one moved Zeeland -> Utrecht, one closed in Zeeland."""
    bestel = np.zeros((2, 2, 4))
    sluit = np.zeros((2, 2, 4))
    verpl = np.zeros((2, 2, 2, 4))
    bestel[U, STUDIO, 0] = 2
    verpl[Z, U, STUDIO, 0] = 1
    sluit[Z, STUDIO, 1] = 1
    return Plan(bestel, sluit, verpl)


@functools.cache
def _basis() -> Planuitkomst:
    """The outcome of the hand plan (consistent by construction: solved with the plan fixed)."""
    return los_plan_op(_instantie(), Beperking("vast", _handplan()), opties=OPTIES)


def _met(naam: str, wijzig) -> Planuitkomst:
    """The base outcome with a modified copy of array ``naam``."""
    a = np.array(getattr(_basis(), naam), dtype=float)
    wijzig(a)
    return replace(_basis(), **{naam: a})


def _met_plan(wijzig, beschikbaar=None) -> Planuitkomst:
    """The base outcome with a modified copy of its plan (and optionally the availability)."""
    plan = _basis().plan
    assert plan is not None
    nieuw = Plan(plan.bestel.copy(), plan.sluit.copy(), plan.verplaats.copy())
    wijzig(nieuw)
    velden: dict[str, object] = {"plan": nieuw}
    if beschikbaar is not None:
        velden["beschikbaar"] = beschikbaar
    return replace(_basis(), **velden)  # type: ignore[arg-type]


def _fouten(uitkomst: Planuitkomst, beperking: Beperking | None = None) -> list[str]:
    return verifieer_plan(_instantie(), uitkomst, beperking=beperking)


def _bevat(fouten: list[str], stuk: str) -> bool:
    return any(stuk in f for f in fouten)


def test_doctests() -> None:
    assert doctest.testmod(controle_mod).failed == 0


# --------------------------------------------------------------------------- solved outcomes pass


@pytest.mark.parametrize("oplosser", ["extensief", "benders"])
@pytest.mark.parametrize("cvar", [False, True], ids=["verwachting", "cvar"])
@pytest.mark.parametrize("verplaatsing", [False, True], ids=["vast", "verplaatsbaar"])
@pytest.mark.parametrize("doorstroom", [0.0, 0.25], ids=["geen_door", "door"])
def test_opgelost_doorstaat_controle(
    oplosser: str, cvar: bool, verplaatsing: bool, doorstroom: float
) -> None:
    inst = _instantie(verplaatsing, doorstroom, cvar)
    if oplosser == "extensief":
        uit = los_plan_op(inst, opties=OPTIES)
        beperking = Beperking()
    else:
        ben = los_benders_op(inst, opties=OPTIES)
        assert ben.plan is not None
        beperking = Beperking("vast", ben.plan)
        uit = los_plan_op(inst, beperking, opties=OPTIES)
    assert verifieer_plan(inst, uit, beperking=beperking) == []
    controleer_plan(inst, uit, beperking=beperking)


def test_handplan_doorstaat_controle() -> None:
    """The base of the tampering: every kind of decision, consistent."""
    uit = _basis()
    assert _fouten(uit, Beperking("vast", _handplan())) == []
    assert uit.verdrongen.sum() >= 0 and uit.door.sum() > 0  # moving on occurs


@pytest.mark.parametrize("soort", ["geen_flex", "statisch"])
def test_beleid_doorstaat_controle(soort: str) -> None:
    inst = _instantie()
    uit = los_plan_op(inst, Beperking(soort), opties=OPTIES, beleid=soort)
    assert verifieer_plan(inst, uit, beperking=Beperking(soort)) == []


def test_evalueer_doorstaat_controle() -> None:
    """The batched evaluation (through the sweep engine, serially) passes the check too."""
    pytest.importorskip("allocatie.kern.sweep")
    from allocatie.planning.model.oplossen import evalueer

    inst = _instantie()
    uit = evalueer(inst, _handplan(), beleid="stochastisch", workers=1)
    assert verifieer_plan(inst, uit, beperking=Beperking("vast", _handplan())) == []


def _perfecte_informatie() -> Planuitkomst:
    """One plan per scenario, combined without a plan (as for the lower bound)."""
    inst = _instantie()
    delen = [
        los_plan_op(replace(inst, scenarios=inst.scenarios.deel([s])), opties=OPTIES)
        for s in range(inst.scenarios.n)
    ]
    return voeg_samen(inst, delen, plan=None, beleid="perfecte_informatie")


def test_perfecte_informatie_doorstaat_controle_zonder_planregels() -> None:
    """Without a plan the availability may differ per scenario; the per-scenario rules hold."""
    uit = _perfecte_informatie()
    assert uit.plan is None
    assert not np.all(uit.beschikbaar == uit.beschikbaar[:1])  # one plan per scenario
    assert _fouten(uit) == []
    # the capacity is still checked
    bez = uit.bezetting.copy()
    bez[2, U, STUDIO, ALLEEN, 3] += 1000
    assert _bevat(_fouten(replace(uit, bezetting=bez)), "meer dan de capaciteit")
    # a policy needs a plan
    assert _bevat(_fouten(uit, Beperking("geen_flex")), "heeft geen plan")


# --------------------------------------------------------------------------- tampered plans


def test_plan_niet_geheel() -> None:
    fouten = _fouten(_met_plan(lambda p: p.bestel.__setitem__((U, STUDIO, 0), 1.5)))
    assert _bevat(
        fouten, "regio Utrecht, flextype studio, periode 2027-I: bestelling 1,5 is geen geheel"
    )


def test_plan_negatief() -> None:
    fouten = _fouten(_met_plan(lambda p: p.sluit.__setitem__((U, WONING, 2), -1)))
    assert _bevat(fouten, "flextype woning, periode 2028-I: sluiting -1,0 is geen geheel getal")


def test_bestelling_na_de_horizon() -> None:
    fouten = _fouten(_met_plan(lambda p: p.bestel.__setitem__((Z, WONING, 3), 1)))
    assert _bevat(
        fouten,
        "regio Zeeland, flextype woning, periode 2028-II: bestelling 1,0 komt na de laatste "
        "periode 2028-II binnen (levertijd 1)",
    )


def test_verplaatsing_niet_toegestaan() -> None:
    fouten = _fouten(_met_plan(lambda p: p.verplaats.__setitem__((U, Z, STUDIO, 1), 1)))
    assert _bevat(
        fouten,
        "van regio Utrecht naar regio Zeeland, flextype studio, periode 2027-II: verplaatsing "
        "1,0 is niet toegestaan",
    )
    # and not at all when relocation is off
    zonder = _instantie(verplaatsing=False)
    assert _bevat(verifieer_plan(zonder, _basis()), "is niet toegestaan")


def test_verplaatsing_na_de_horizon() -> None:
    fouten = _fouten(_met_plan(lambda p: p.verplaats.__setitem__((Z, U, STUDIO, 3), 1)))
    assert _bevat(fouten, "periode 2028-II: verplaatsing 1,0 komt na de laatste periode")


def test_voorraadbalans() -> None:
    fouten = _fouten(
        _met("beschikbaar", lambda a: a.__setitem__((1, U, STUDIO, 2), a[1, U, 0, 2] + 1))
    )
    assert (
        "scenario s2, regio Utrecht, flextype studio, periode 2028-I: beschikbaar 5,0 wijkt af "
        "van de voorraadbalans 4,0"
    ) in fouten


def test_voorraadbalans_na_gewijzigd_plan() -> None:
    """A closure left out of the availability: every scenario disagrees with the balance."""
    fouten = _fouten(_met_plan(lambda p: p.sluit.__setitem__((U, STUDIO, 3), 1)))
    balans = [f for f in fouten if "voorraadbalans" in f]
    assert len(balans) == 3 and all("periode 2028-II" in f for f in balans)


def test_beschikbaar_negatief_boven_maximum_niet_geheel() -> None:
    def zet(a: np.ndarray) -> None:
        a[0, Z, WONING, 0] = -1
        a[0, U, STUDIO, 3] = 9
        a[0, U, WONING, 1] = 0.5

    fouten = _fouten(_met("beschikbaar", zet))
    assert _bevat(fouten, "scenario s1, regio Zeeland, flextype woning, periode 2027-I: "
                          "beschikbaar -1,0 is negatief")  # fmt: skip
    assert _bevat(fouten, "beschikbaar 9,0 is meer dan het maximum 4,0 modules")
    assert _bevat(fouten, "beschikbaar 0,5 is geen geheel aantal modules")


def test_minimale_looptijd() -> None:
    """A family home ordered in the first period closed in the third: in use 1 of 2 periods."""

    def wijzig(p: Plan) -> None:
        p.bestel[U, WONING, 0] = 1
        p.sluit[U, WONING, 2] = 1

    besch = _basis().beschikbaar.copy()
    besch[:, U, WONING, 1] += 1  # the balance holds, only the lifetime is broken
    fouten = _fouten(_met_plan(wijzig, besch))
    assert _bevat(
        fouten,
        "regio Utrecht, flextype woning, periode 2028-I: 1,0 modules gesloten of verplaatst tot "
        "en met deze periode, maar slechts 0,0 hebben de minimale looptijd (2 perioden) erop",
    )
    assert not _bevat(fouten, "voorraadbalans")


@pytest.mark.parametrize(
    ("index", "aantallen"),
    [
        (("bestel", (Z, WONING, 3)), "(1 bestellingen, 0 verplaatsingen)"),
        (("verplaats", (U, Z, STUDIO, 1)), "(0 bestellingen, 1 verplaatsingen)"),
        (("verplaats", (Z, U, STUDIO, 3)), "(0 bestellingen, 1 verplaatsingen)"),
    ],
    ids=["bestelling_na_horizon", "verplaatsing_niet_toegestaan", "verplaatsing_na_horizon"],
)
def test_vast_plan_zonder_kolommen_wordt_geweigerd(
    index: tuple[str, tuple[int, ...]], aantallen: str
) -> None:
    """Fixing a plan with a decision the model has no column for raises, never drops it.

    An order arriving after the last period (the family home has a lead time
    of one period, ordered in 2028-II), a move from Utrecht to Zeeland (only
    Zeeland -> Utrecht is allowed) and a move leaving in the last period
    (one period on the road): each would otherwise vanish from the solve
    while the outcome still carries it.
    """
    plan = _handplan()
    naam, plek = index
    getattr(plan, naam)[plek] = 1
    with pytest.raises(ValueError, match="bestelt na de horizon of verplaatst") as fout:
        los_plan_op(_instantie(), Beperking("vast", plan), opties=OPTIES)
    assert aantallen in str(fout.value)


def test_verplaatste_module_heeft_zijn_tijd_gediend() -> None:
    """Moving the arrived studio on (or closing it) at once is allowed (model's rule)."""
    besch = _basis().beschikbaar.copy()
    besch[:, U, STUDIO, 2:] -= 1
    fouten = _fouten(_met_plan(lambda p: p.sluit.__setitem__((U, STUDIO, 2), 1), besch))
    assert not _bevat(fouten, "minimale looptijd")
    assert not _bevat(fouten, "voorraadbalans")


@pytest.mark.parametrize(
    ("soort", "stuk"),
    [
        ("geen_flex", "bestelling 2,0 past niet bij beleid 'geen_flex'"),
        ("geen_flex", "sluiting 1,0 past niet bij beleid 'geen_flex'"),
        ("statisch", "verplaatsing 1,0 past niet bij beleid 'statisch'"),
        ("vrij", None),
    ],
)
def test_beleid(soort: str, stuk: str | None) -> None:
    fouten = _fouten(_basis(), Beperking(soort))
    if stuk is None:
        assert fouten == []
    else:
        assert _bevat(fouten, stuk)


def test_beleid_statisch_alleen_in_de_eerste_periode() -> None:
    uit = _met_plan(lambda p: p.bestel.__setitem__((U, STUDIO, 1), 1))
    assert _bevat(
        _fouten(uit, Beperking("statisch")),
        "regio Utrecht, flextype studio, periode 2027-II: bestelling na de eerste periode 1,0",
    )


def test_beleid_vast() -> None:
    ander = _handplan()
    ander.bestel[U, STUDIO, 0] = 3
    fouten = _fouten(_basis(), Beperking("vast", ander))
    assert fouten == [
        "regio Utrecht, flextype studio, periode 2027-I: bestelling 2,0 wijkt af van het vaste "
        "plan (3,0)"
    ]


# --------------------------------------------------------------------------- tampered second stage


def test_achterstand_balans() -> None:
    uit = _met("achterstand", lambda a: a.__setitem__((2, U, ALLEEN, 2), a[2, U, 0, 2] + 1.5))
    goed = _basis().achterstand[2, U, ALLEEN, 2]
    x, y = controle_mod._tekst(goed + 1.5, goed)
    assert (
        f"scenario s3, regio Utrecht, klasse alleenstaand, periode 2028-I: achterstand {x} wijkt "
        f"af van de balans {y}"
    ) in _fouten(uit)


@pytest.mark.parametrize(
    ("naam", "index", "woord"),
    [
        ("achterstand", (0, Z, GEZIN, 1), "achterstand"),
        ("regulier", (0, Z, GEZIN, 1), "regulier gehuisvest"),
        ("in_flex", (0, Z, WONING, GEZIN, 1), "instroom in flex"),
        ("bezetting", (0, Z, WONING, GEZIN, 1), "bezetting"),
        ("door", (0, Z, WONING, GEZIN, 1), "doorstroom"),
        ("verdrongen", (0, Z, WONING, GEZIN, 1), "verdrongen"),
    ],
)
def test_negatieve_stroom(naam: str, index: tuple[int, ...], woord: str) -> None:
    fouten = _fouten(_met(naam, lambda a: a.__setitem__(index, -2.0)))
    assert _bevat(fouten, f"regio Zeeland, {'flextype woning, ' if len(index) == 5 else ''}"
                          f"klasse gezin, periode 2027-II: {woord} -2,0 is negatief")  # fmt: skip


def test_aanbod() -> None:
    inst = _instantie()
    aanbod = inst.scenarios.aanbod[1, U, 0, ALLEEN]
    fouten = _fouten(_met("regulier", lambda a: a.__setitem__((1, U, ALLEEN, 0), aanbod + 5)))
    assert _bevat(fouten, "scenario s2, regio Utrecht, klasse alleenstaand, periode 2027-I: "
                          "regulier gehuisvest plus doorstroom")  # fmt: skip
    assert _bevat(fouten, "is meer dan het aanbod")


def test_bezetting_balans() -> None:
    fouten = _fouten(
        _met("bezetting", lambda a: a.__setitem__((0, Z, WONING, GEZIN, 1), a[0, Z, 1, 1, 1] + 1))
    )
    assert _bevat(fouten, "scenario s1, regio Zeeland, flextype woning, klasse gezin, "
                          "periode 2027-II: bezetting")  # fmt: skip
    assert _bevat(fouten, "wijkt af van de balans")


def test_bezetting_begint_gelijk_verdeeld() -> None:
    """Zeeland's 3 residents of family homes start as 1,5 singles and 1,5 families."""
    inst = replace(_instantie(), regios=(_instantie().regios[0], replace(
        _instantie().regios[1], bezetting={"studio": 10, "woning": 2})))  # fmt: skip
    fouten = verifieer_plan(inst, _basis())
    assert _bevat(fouten, "regio Zeeland, flextype woning, klasse alleenstaand, periode 2027-I")
    assert _bevat(fouten, "regio Zeeland, flextype woning, klasse gezin, periode 2027-I")


def test_doorstroom_begrensd() -> None:
    """Zeeland's 10 studio residents at the start: at most 2,5 may move on in 2027-I."""
    uit = _basis()
    door, bez = uit.door.copy(), uit.bezetting.copy()
    extra = 3.0 - door[0, Z, STUDIO, ALLEEN, 0]
    door[0, Z, STUDIO, ALLEEN, 0] += extra
    bez[0, Z, STUDIO, ALLEEN, :] -= extra  # the occupancy balance still holds
    fouten = _fouten(replace(uit, door=door, bezetting=bez))
    assert (
        "scenario s1, regio Zeeland, flextype studio, klasse alleenstaand, periode 2027-I: "
        "doorstroom 3,0 is meer dan 0,25 maal de vorige bezetting (2,5)"
    ) in fouten
    assert not _bevat(fouten, "wijkt af van de balans")


def test_klasse_die_het_type_niet_huisvest() -> None:
    fouten = _fouten(_met("in_flex", lambda a: a.__setitem__((2, U, STUDIO, GEZIN, 3), 1.0)))
    assert (
        "scenario s3, regio Utrecht, flextype studio, klasse gezin, periode 2028-II: instroom in "
        "flex 1,0, maar flextype studio huisvest klasse gezin niet"
    ) in fouten


def test_capaciteit() -> None:
    """Eight more singles in Utrecht's studios from 2027-II on, taken from the backlog."""
    uit = _basis()
    inf, bez, ach = uit.in_flex.copy(), uit.bezetting.copy(), uit.achterstand.copy()
    inf[0, U, STUDIO, ALLEEN, 1] += 40
    bez[0, U, STUDIO, ALLEEN, 1:] += 40
    ach[0, U, ALLEEN, 1:] -= 40
    fouten = _fouten(replace(uit, in_flex=inf, bezetting=bez, achterstand=ach))
    assert _bevat(fouten, "scenario s1, regio Utrecht, flextype studio, periode 2027-II: "
                          "bezetting")  # fmt: skip
    assert _bevat(fouten, "is meer dan de capaciteit 32,0 plaatsen")
    assert not _bevat(fouten, "wijkt af van de balans")


def test_afname_wijkt_af_van_het_plan() -> None:
    """Utrecht closes nothing in 2028-I; an afname of 1 there in scenario s2 disagrees."""
    fouten = _fouten(_met("afname", lambda a: a.__setitem__((1, U, STUDIO, 2), 1)))
    assert fouten == [
        "scenario s2, regio Utrecht, flextype studio, periode 2028-I: afname 1,0 wijkt af van "
        "de sluitingen plus verplaatsingen uit de regio (0,0)"
    ]


def test_afname_telt_verplaatsingen_mee() -> None:
    """Zeeland's studio moved to Utrecht in 2027-I counts: afname 0 there is wrong."""
    fouten = _fouten(_met("afname", lambda a: a.__setitem__((0, Z, STUDIO, 0), 0)))
    assert _bevat(
        fouten,
        "scenario s1, regio Zeeland, flextype studio, periode 2027-I: afname 0,0 wijkt af van "
        "de sluitingen plus verplaatsingen uit de regio (1,0)",
    )


def test_afname_niet_geheel_of_negatief() -> None:
    def zet(a: np.ndarray) -> None:
        a[0, U, WONING, 1] = 0.5
        a[2, U, WONING, 3] = -1

    fouten = _fouten(_met("afname", zet))
    assert _bevat(fouten, "scenario s1, regio Utrecht, flextype woning, periode 2027-II: "
                          "afname 0,5 is geen geheel aantal modules")  # fmt: skip
    assert _bevat(fouten, "scenario s3, regio Utrecht, flextype woning, periode 2028-II: "
                          "afname -1,0 is negatief")  # fmt: skip


def test_afname_zonder_plan_minstens_de_daling() -> None:
    """Without a plan the afname is still at least the drop of the availability.

    Zeeland's studios go from 2 (existing) to 1 in 2027-I and to 0 in
    2027-II; arrivals only add, so each drop needs a module closed or moved
    out. With the afname wiped, both drops (and the displacement of 6 in
    2027-II, now beyond 0 places) are caught.
    """
    uit = replace(_basis(), plan=None, afname=np.zeros_like(_basis().afname))
    fouten = _fouten(uit)
    for periode in ("2027-I", "2027-II"):
        assert (
            f"scenario s1, regio Zeeland, flextype studio, periode {periode}: beschikbaar daalt "
            "met 1,0 modules, maar de afname is maar 0,0"
        ) in fouten
    assert _bevat(fouten, "scenario s1, regio Zeeland, flextype studio, periode 2027-II: "
                          "verdrongen 6,0 is meer dan de 0,0 plaatsen")  # fmt: skip
    assert _fouten(replace(_basis(), plan=None)) == []


def _meer_verdrongen(s: int, r: int, f: int, k: int, t: int, extra: float) -> Planuitkomst:
    """``extra`` more displaced and as many more entering the same type and period.

    Occupancy and backlog balances keep holding (the displaced go back to
    the backlog, the entrants leave it); only the displacement bound and the
    displacement cost can notice.
    """
    uit = _basis()
    verd, inf = uit.verdrongen.copy(), uit.in_flex.copy()
    verd[s, r, f, k, t] += extra
    inf[s, r, f, k, t] += extra
    return replace(uit, verdrongen=verd, in_flex=inf)


def test_verdringing_zonder_afname() -> None:
    """Utrecht closes and moves nothing: no one may be displaced there."""
    fouten = _fouten(_meer_verdrongen(0, U, STUDIO, ALLEEN, 1, 1.0))
    assert (
        "scenario s1, regio Utrecht, flextype studio, periode 2027-II: verdrongen 1,0 is meer "
        "dan de 0,0 plaatsen van de modules die in deze periode sluiten of vertrekken"
    ) in fouten
    assert not _bevat(fouten, "wijkt af van de balans")
    assert _bevat(fouten, "scenario s1: tweede-fasekosten")  # 20 euro of displacement


@pytest.mark.parametrize(("extra", "te_veel"), [(8.0, False), (9.0, True)])
def test_verdringing_hoogstens_de_plaatsen_van_de_afname(extra: float, te_veel: bool) -> None:
    """Zeeland's one studio moved out in 2027-I frees 8 places: 8 displaced pass, 9 not.

    In scenario s1 nobody is displaced there in the solved outcome (two move
    on, eight stay in the remaining studio), so the tampered total is ``extra``.
    """
    assert _basis().verdrongen[0, Z, STUDIO, ALLEEN, 0] == 0
    fouten = _fouten(_meer_verdrongen(0, Z, STUDIO, ALLEEN, 0, extra))
    melding = (
        "scenario s1, regio Zeeland, flextype studio, periode 2027-I: verdrongen 9,0 is meer "
        "dan de 8,0 plaatsen van de modules die in deze periode sluiten of vertrekken"
    )
    assert (melding in fouten) is te_veel
    assert not _bevat(fouten, "verdrongen 8,0")


# --------------------------------------------------------------------------- displacement only
# where capacity shrinks (regression of the modelling flaw found by brute force)


def _geen_sluiting_instantie() -> Planinstantie:
    """One region, two periods, one class, one full studio of 10 places (see the test)."""
    sc = Scenarioset(
        ("Utrecht",),
        ("2027-I", "2027-II"),
        ("alleenstaand",),
        ("s1",),
        np.ones(1),
        np.array([0.0, 10.0]).reshape(1, 1, 2, 1),
        np.array([5.0, 0.0]).reshape(1, 1, 2, 1),
    )
    studio = Flextype("studio", 10, ("alleenstaand",), openen=100, exploitatie=0, sluiten=50,
                      levertijd=1, minimale_looptijd=1)  # fmt: skip
    regio = Regio("Utrecht", bestaand={"studio": 1}, bezetting={"studio": 10})
    kosten = Kosten({"alleenstaand": 100}, verdringing=10)
    return Planinstantie((regio,), (studio,), kosten, sc, doorstroom=0.0)


def test_verdringing_is_geen_omweg_om_de_doorstroom() -> None:
    """Without closures nobody is displaced: expected cost 1000, not 550.

    The studio is full (10 residents, 10 places), doorstroom is 0 and
    ``geen_flex`` closes nothing, so its residents stay put. In 2027-I nobody
    waits (no backlog, no inflow) and the supply of 5 goes unused; in 2027-II
    10 arrive, there is no supply and no free place: 10 wait at 100 euro, so
    the cost is 10 * 100 = 1000 (running cost, residual value and final
    backlog cost are 0). Unbounded displacement instead moved 5 residents out
    in 2027-I (5 * 10 = 50) into the unused supply, and 5 of the arrivals into
    their places: 5 * 100 + 50 = 550. The check rejects exactly that outcome.
    """
    inst = _geen_sluiting_instantie()
    geen = Beperking("geen_flex")
    uit = los_plan_op(inst, geen, opties=OPTIES, beleid="geen_flex")
    assert uit.verwachting == pytest.approx(1000.0, rel=1e-9)
    assert uit.verdrongen.sum() == pytest.approx(0.0, abs=1e-9)
    assert verifieer_plan(inst, uit, beperking=geen) == []
    ben = los_benders_op(inst, geen, opties=OPTIES)
    assert ben.objectief == pytest.approx(1000.0, rel=1e-9)

    # the outcome of the old model: displace 5 into the unused supply
    verd, reg, inf = uit.verdrongen.copy(), uit.regulier.copy(), uit.in_flex.copy()
    bez, ach = uit.bezetting.copy(), uit.achterstand.copy()
    verd[0, 0, 0, 0, 0] = 5  # 2027-I: 5 residents out, housed regularly
    reg[0, 0, 0, 0] = 5
    bez[0, 0, 0, 0, 0] = 5
    inf[0, 0, 0, 0, 1] = 5  # 2027-II: 5 arrivals take their places, 5 wait
    ach[0, 0, 0, 1] = 5
    oud = replace(
        uit,
        verdrongen=verd,
        regulier=reg,
        in_flex=inf,
        bezetting=bez,
        achterstand=ach,
        kosten_tweede=np.array([550.0]),
        kosten_tweede_delen={"wachten": 500.0, "verdringing": 50.0, "eind_achterstand": 0.0},
    )
    assert verifieer_plan(inst, oud, beperking=geen) == [
        "scenario s1, regio Utrecht, flextype studio, periode 2027-I: verdrongen 5,0 is meer "
        "dan de 0,0 plaatsen van de modules die in deze periode sluiten of vertrekken"
    ]


def test_te_veel_bewoners_bij_de_start_geweigerd() -> None:
    """Ten residents fit one studio of 10 places; eleven do not."""
    inst = _geen_sluiting_instantie()
    regio = replace(inst.regios[0], bezetting={"studio": 11})
    with pytest.raises(ConfiguratieFout, match="meer bewoners dan plaatsen") as fout:
        replace(inst, regios=(regio,))
    assert fout.value.kolom == "regio.Utrecht.bezetting.studio"
    assert fout.value.waarde == 11
    assert "(10)" in str(fout.value)


# --------------------------------------------------------------------------- tampered costs


def test_eerste_fasekosten() -> None:
    fouten = _fouten(_met("kosten_eerste", lambda a: a.__setitem__(1, a[1] + 100)))
    assert len(fouten) == 1 and fouten[0].startswith("scenario s2: eerste-fasekosten")


def test_tweede_fasekosten() -> None:
    fouten = _fouten(_met("kosten_tweede", lambda a: a.__setitem__(2, a[2] * 1.01)))
    assert len(fouten) == 1 and fouten[0].startswith("scenario s3: tweede-fasekosten")


@pytest.mark.parametrize(
    ("veld", "deel"),
    [
        ("kosten_eerste_delen", "openen"),
        ("kosten_eerste_delen", "sluiten"),
        ("kosten_eerste_delen", "verplaatsen"),
        ("kosten_eerste_delen", "restwaarde"),
        ("kosten_tweede_delen", "wachten"),
        ("kosten_tweede_delen", "verdringing"),
        ("kosten_tweede_delen", "eind_achterstand"),
    ],
)
def test_kostendelen(veld: str, deel: str) -> None:
    delen = dict(getattr(_basis(), veld))
    fase = "eerste" if "eerste" in veld else "tweede"
    fout = _fouten(replace(_basis(), **{veld: delen | {deel: delen[deel] + 7.0}}))
    assert len(fout) == 1 and fout[0].startswith(f"{fase}-fasekosten, deel {deel}:")
    del delen[deel]
    assert _fouten(replace(_basis(), **{veld: delen})) == [
        f"{fase}-fasekosten: deel '{deel}' ontbreekt"
    ]


def test_kosten_zonder_plan() -> None:
    """Without a plan: first-stage cost below running cost minus residual value is caught."""
    uit = _perfecte_informatie()
    eerste = uit.kosten_eerste.copy()
    eerste[0] = -1e6
    fouten = _fouten(replace(uit, kosten_eerste=eerste))
    assert _bevat(fouten, "scenario s1: eerste-fasekosten -1.000.000,0 zijn lager dan")


# --------------------------------------------------------------------------- shapes, errors


def test_vorm_en_kansen() -> None:
    fouten = _fouten(replace(_basis(), achterstand=_basis().achterstand[..., :-1]))
    assert fouten == ["achterstand heeft vorm (3, 2, 2, 3), verwacht (3, 2, 2, 4)"]
    kansen = np.array([0.4, 0.4, 0.2])
    assert _fouten(replace(_basis(), kansen=kansen)) == [
        "de kansen van de uitkomst wijken af van die van de scenario's"
    ]


def test_controleer_plan_werpt_alle_schendingen() -> None:
    uit = _met("kosten_tweede", lambda a: a.__setitem__(slice(None), a + 50))
    with pytest.raises(VerificatieFout) as fout:
        controleer_plan(_instantie(), uit)
    assert len(fout.value.schendingen) == 3
    assert "onafhankelijke controle" in str(fout.value)

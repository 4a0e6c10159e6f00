"""The model's small cases as builders, one per behaviour (``geval_*``), and `GEVALLEN`.

Each builder takes a backend name and returns a tiny `Instance` whose outcome
is worked out by hand in `test_model`; `test_aggregatie` solves every case in
both formulations. A helper module (see ``conftest.py``), not a test file.
"""

from __future__ import annotations

from collections.abc import Callable

from bouwers import flex, gemeente, huishouden, ronde, woning

from allocatie.model.toelaatbaar import bouw_paren
from allocatie.ronde.instance import Instance


def paren(inst: Instance) -> set[tuple[str, str]]:
    """The admissible (huishouden_id, aanbod_id) pairs the model creates."""
    p = bouw_paren(inst)
    hid = inst.huishoudens["huishouden_id"].to_numpy(object)
    oid = inst.opties["aanbod_id"].to_numpy(object)
    return {(str(hid[h]), str(oid[o])) for h, o in zip(p.h, p.o, strict=True)}


# -- the cases, as builders (reused for the backend-agreement test) ------------------------


def geval_woningen(backend: str) -> Instance:
    """One option with 2 homes, three households of 2 persons: 2 homes limit."""
    return ronde(
        [gemeente(1)],
        {1: 6},
        [huishouden("A", 2), huishouden("B", 2), huishouden("C", 2)],
        [woning("W1", 1, woningen=2)],
        backend=backend,
    )


def geval_personen(backend: str) -> Instance:
    """A flex site with 4 units but room for 5 persons; households of 3, 3, 2."""
    return ronde(
        [gemeente(1)],
        {1: 8},
        [huishouden("A", 3), huishouden("B", 3), huishouden("C", 2)],
        [],
        [flex("F1", 1, 0, 0, eenheden=4, capaciteit=5)],
        backend=backend,
    )


def geval_delen(backend: str) -> Instance:
    """One shareable home (max_per_woning 2) and two singles."""
    return ronde(
        [gemeente(1)],
        {1: 2},
        [huishouden("S1"), huishouden("S2")],
        [woning("W1", 1, delen=2)],
        backend=backend,
    )


def geval_gezin_hele_woning(backend: str) -> Instance:
    """One shareable home; a family of 2 and a single compete."""
    return ronde(
        [gemeente(1)],
        {1: 3},
        [huishouden("GZ", 2), huishouden("S")],
        [woning("W1", 1, delen=2)],
        backend=backend,
    )


def geval_delen_signaal(backend: str) -> Instance:
    """Five singles; a home for 1 person shareable by 2, a flex unit for 1 shareable by 3."""
    return ronde(
        [gemeente(1)],
        {1: 5},
        [huishouden(f"S{i}") for i in range(1, 6)],
        [woning("W1", 1, max_p=1, delen=2)],
        [flex("F1", 1, 0, 0, eenheden=1, capaciteit=3, max_p=1, delen=3)],
        backend=backend,
    )


def geval_nareizigers(backend: str) -> Instance:
    """A single with 3 nareizigers, a couple; a small home in 1, a large one in 2."""
    return ronde(
        [gemeente(1), gemeente(2, 10)],
        {1: 2, 2: 1},
        [huishouden("A", 1, nareizigers=3), huishouden("B", 2)],
        [woning("W1", 1, max_p=2), woning("W2", 2, min_p=3, max_p=4)],
        backend=backend,
    )


def geval_nareiziger_deelt_niet(backend: str) -> Instance:
    """A single with a nareiziger and a true single, one home shareable by 2 singles."""
    return ronde(
        [gemeente(1)],
        {1: 2},
        [huishouden("A", 1, nareizigers=1), huishouden("S")],
        [woning("W1", 1, delen=2)],
        backend=backend,
    )


def geval_geen_optie(backend: str) -> Instance:
    """A household of 7 where every home takes at most 4."""
    return ronde(
        [gemeente(1)],
        {1: 9},
        [huishouden("G7", 7), huishouden("B", 2)],
        [woning("W1", 1, woningen=2)],
        backend=backend,
    )


def geval_personen_eerst(backend: str) -> Instance:
    """A family of 5 and 5 singles for a flex site with 5 units and room for 6."""
    return ronde(
        [gemeente(1)],
        {1: 5},
        [huishouden("GZ", 5)] + [huishouden(f"S{i}") for i in range(1, 6)],
        [],
        [flex("F1", 1, 0, 0, eenheden=5, capaciteit=6, max_p=5)],
        backend=backend,
    )


def geval_tekort_per_gemeente(backend: str, model: str = "standaard") -> Instance:
    """Need 1 in gemeente 1 and 3 in gemeente 2 (20 km east); households of 3 and 1.

    The household of 3 works in gemeente 1; gemeente 2 is in another COA-regio.
    """
    return ronde(
        [gemeente(1), gemeente(2, 20, coa="Oost")],
        {1: 1, 2: 3},
        [huishouden("A", 3, werk=1), huishouden("B", 1)],
        [woning("W1", 1), woning("W2", 2)],
        model=model,
        backend=backend,
    )


def geval_eerlijk(backend: str) -> Instance:
    """Need 2 in gemeente 1 and 6 in gemeente 2 (other COA-regio), 4 singles."""
    return ronde(
        [gemeente(1), gemeente(2, 20, coa="Oost")],
        {1: 2, 2: 6},
        [huishouden(f"S{i}") for i in range(1, 5)],
        [woning("W1", 1, woningen=4), woning("W2", 2, woningen=4)],
        backend=backend,
    )


def geval_werk_limiet(backend: str) -> Instance:
    """Work in gemeente 1; homes at 30 km (gemeente 2) and 45 km (gemeente 3, with need)."""
    return ronde(
        [gemeente(1), gemeente(2, 30), gemeente(3, 45)],
        {3: 2},
        [huishouden("A", 2, werk=1)],
        [woning("W2", 2), woning("W3", 3)],
        backend=backend,
    )


def geval_werk_kosten(backend: str) -> Instance:
    """Work in gemeente 1; homes at 10 km and 30 km, need 1 in each of those gemeenten."""
    return ronde(
        [gemeente(1), gemeente(2, 10), gemeente(3, 0, 30)],
        {2: 1, 3: 1},
        [huishouden("A", 1, werk=1)],
        [woning("W2", 2), woning("W3", 3)],
        backend=backend,
    )


def geval_familie(backend: str) -> Instance:
    """Family in gemeente 2 (5 km east); need only in gemeente 1; a flex site inside 2."""
    return ronde(
        [gemeente(1), gemeente(2, 5)],
        {1: 1},
        [huishouden("A", 1, familie=2)],
        [woning("W1", 1), woning("W2", 2)],
        [flex("F2", 2, 5, 4, eenheden=1, capaciteit=4)],
        backend=backend,
    )


def geval_zorg(backend: str) -> Instance:
    """Care in gemeente 1; homes at 25 km (gemeente 2) and 35 km (gemeente 3, with need)."""
    return ronde(
        [gemeente(1), gemeente(2, 25), gemeente(3, 0, 35)],
        {3: 1},
        [huishouden("A", 1, zorg=1)],
        [woning("W2", 2), woning("W3", 3)],
        backend=backend,
    )


def geval_coa(backend: str) -> Instance:
    """A couple from an azc in Noord; a home 50 km away in Noord, one 5 km away in Oost."""
    return ronde(
        [gemeente(1), gemeente(2, 50), gemeente(3, 5, coa="Oost")],
        {2: 1, 3: 1},
        [huishouden("A", 2)],
        [woning("W2", 2), woning("W3", 3)],
        backend=backend,
    )


def geval_flex(backend: str) -> Instance:
    """One regular home and a flex site in the same gemeente; two households of 3."""
    return ronde(
        [gemeente(1)],
        {1: 6},
        [huishouden("A", 3), huishouden("B", 3)],
        [woning("W1", 1)],
        [flex("F1", 1, 1, 1, eenheden=1, capaciteit=4)],
        backend=backend,
    )


def geval_mixwonen(backend: str) -> Instance:
    """A flex site of 10 units, at most half for vergunninghouders; six singles."""
    return ronde(
        [gemeente(1)],
        {1: 6},
        [huishouden(f"S{i}") for i in range(1, 7)],
        [],
        [flex("F1", 1, 0, 0, eenheden=10, capaciteit=20, aandeel=0.5)],
        backend=backend,
    )


def geval_termijn(backend: str) -> Instance:
    """Ready on 2025-01-01; a home free on 2025-04-09 (gemeente 1) and 2025-04-10 (2, need)."""
    return ronde(
        [gemeente(1), gemeente(2, 10)],
        {2: 1},
        [huishouden("A", 1, gereed="2025-01-01")],
        [woning("W1", 1, vanaf="2025-04-09"), woning("W2", 2, vanaf="2025-04-10")],
        backend=backend,
    )


def geval_sluiting(backend: str) -> Instance:
    """Ready on 2025-03-01; flex sites closing on 2025-03-02 (gemeente 1) and 2025-03-01 (2)."""
    return ronde(
        [gemeente(1), gemeente(2, 10)],
        {2: 1},
        [huishouden("A", 1, gereed="2025-03-01")],
        [],
        [
            flex("F1", 1, 0, 0, eenheden=1, capaciteit=1, tot="2025-03-02"),
            flex("F2", 2, 10, 0, eenheden=1, capaciteit=1, tot="2025-03-01"),
        ],
        backend=backend,
    )


def geval_periode_eind(backend: str) -> Instance:
    """Period 2025-I (to 30 June), ready 1 June; homes free 30 June (1) and 1 July (2, need)."""
    return ronde(
        [gemeente(1), gemeente(2, 10)],
        {2: 1},
        [huishouden("A", 1, gereed="2025-06-01")],
        [woning("W1", 1, vanaf="2025-06-30"), woning("W2", 2, vanaf="2025-07-01")],
        backend=backend,
    )


def geval_regio(backend: str) -> Instance:
    """Gemeenten 1, 2 in PV20 (at most 2 persons), 3 in PV21; need 2, 2, 0; 4 singles."""
    return ronde(
        [gemeente(1), gemeente(2, 10), gemeente(3, 20, provincie="PV21")],
        {1: 2, 2: 2},
        [huishouden(f"S{i}") for i in range(1, 5)],
        [woning(f"W{g}", g, woningen=4) for g in (1, 2, 3)],
        regio=[{"regio_soort": "provincie", "regio_code": "PV20", "max_personen": 2}],
        backend=backend,
    )


def geval_opgave(backend: str) -> Instance:
    """Carry-over: need 2+1 (achterstand), 3-2 (voorsprong), 1 with 3 realised; 4 singles.

    Gemeenten 1 and 2 lie in COA-regio Oost, the azc and gemeente 3 in Noord.
    """
    return ronde(
        [gemeente(1, coa="Oost"), gemeente(2, 10, coa="Oost"), gemeente(3, 20)],
        {
            1: {"taakstelling": 2, "achterstand": 1},
            2: {"taakstelling": 3, "voorsprong": 2},
            3: {"taakstelling": 1, "gerealiseerd": 3},
        },
        [huishouden(f"S{i}", azc=3) for i in range(1, 5)],
        [woning(f"W{g}", g, woningen=4) for g in (1, 2, 3)],
        backend=backend,
    )


GEVALLEN: dict[str, Callable[[str], Instance]] = {
    naam.removeprefix("geval_"): f
    for naam, f in dict(globals()).items()
    if naam.startswith("geval_") and callable(f)
}

"""The COA-regio as a hard rule (``[criteria] coa_regio = true``) instead of a cost.

Gemeente 1 (COA-regio Noord) holds everybody's azc; gemeente 2 lies 10 km east in
COA-regio Oost. W1 is a home in gemeente 1, W2 one in gemeente 2. Gemeente 2 has a
taakstelling of 1 and gemeente 1 none, so under the cost rule the ``tekort`` level
(ranked before ``kosten``) sends a single to W2 despite the 10 cost points for leaving
the COA-regio; the hard rule keeps it in Noord, unless the household's work (an
enforced hard criterion) lies in Oost.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from bouwers import BACKENDS, gemeente, huishouden, los, plaatsing, ronde, woning

from allocatie.model.toelaatbaar import coa_vrijgesteld, criteriummaskers
from allocatie.reports.overzicht import parameters
from allocatie.resultaat.explain import verklaar
from allocatie.resultaat.verify import verify
from allocatie.ronde.instance import Instance


def met_coa(inst: Instance, *, aan: bool = True, werk: bool = True) -> Instance:
    """``inst`` with the COA-regio rule hard (``aan``) and the werk criterion on or off."""
    criteria = replace(inst.preset.criteria, coa_regio=aan, werk=werk)
    return replace(inst, preset=replace(inst.preset, criteria=criteria))


def twee_regios(backend: str, *hh: dict, woningen: list | None = None) -> Instance:
    return ronde(
        [gemeente(1), gemeente(2, 10, coa="Oost")],
        {2: 1},
        list(hh) or [huishouden("A")],
        woningen or [woning("W1", 1), woning("W2", 2)],
        backend=backend,
    )


@pytest.mark.parametrize("backend", BACKENDS)
class TestHardeRegel:
    def test_kosten_tegenover_harde_regel(self, backend: str) -> None:
        """As a cost: A goes to W2 (tekort 0, kosten 10). As a hard rule: W1 (tekort 1)."""
        inst = twee_regios(backend)
        zacht = los(inst)
        assert plaatsing(zacht) == {"A": "W2"}
        assert (zacht.doelwaarden["tekort"], zacht.doelwaarden["kosten"]) == (0, 10)
        hard = los(met_coa(inst))
        assert plaatsing(hard) == {"A": "W1"}
        assert (hard.doelwaarden["tekort"], hard.doelwaarden["kosten"]) == (1, 0)
        uitleg = verklaar(met_coa(inst), hard).set_index("huishouden_id")
        assert uitleg.at["A", "harde_criteria"] == "COA-regio Noord van het azc"
        assert uitleg.at["A", "passende_opties"] == 1

    def test_werk_elders_heft_de_regel_op(self, backend: str) -> None:
        """A works in gemeente 2 (Oost): the hard werk criterion decides, W2 is allowed."""
        inst = met_coa(twee_regios(backend, huishouden("A", werk=2)))
        assert coa_vrijgesteld(inst).tolist() == [True]
        res = los(inst)
        assert plaatsing(res) == {"A": "W2"}
        harde = verklaar(inst, res)["harde_criteria"].iat[0]
        assert "COA-regio vrij: werk, studie, familie of zorg ligt erbuiten" in harde

    def test_alleen_een_afgedwongen_criterium_telt(self, backend: str) -> None:
        """With werk switched off in the preset, a job in Oost does not lift the rule."""
        inst = met_coa(twee_regios(backend, huishouden("A", werk=2)), werk=False)
        assert coa_vrijgesteld(inst).tolist() == [False]
        assert plaatsing(los(inst)) == {"A": "W1"}

    def test_onhaalbaar_door_coa_regio(self, backend: str) -> None:
        """The only home in Noord comes free too late (after ready date + 14 weeks, 2025-04-14);
        the one in Oost is free now. The conflict: availability and the COA-regio."""
        inst = met_coa(
            twee_regios(
                backend,
                huishouden("A"),
                woningen=[woning("W1", 1, vanaf="2025-06-01"), woning("W2", 2)],
            )
        )
        res = los(inst)
        assert plaatsing(res) == {}
        assert res.onhaalbaar["conflict"].tolist() == [
            "beschikbaarheid (vrij uiterlijk 2025-04-14) laat 1 optie toe, COA-regio Noord van "
            "het azc (GM0001) laat 1 optie toe, samen 0"
        ]
        assert plaatsing(los(met_coa(inst, aan=False))) == {"A": "W2"}


def test_masker_en_verify() -> None:
    """The mask allows only Noord; verify refuses a placement in Oost under the hard rule."""
    inst = twee_regios("highs", huishouden("A"), huishouden("B", werk=2))
    hard = met_coa(inst)
    m = criteriummaskers(hard)
    assert list(m)[-1] == "coa_regio"
    assert m["coa_regio"].tolist() == [[True, False], [True, True]]
    assert "coa_regio" not in criteriummaskers(inst)
    # As a cost: A in W1 (0) and B in W2 (coa 10, werk 0) beats A in W2 and B in W1 (20).
    assert plaatsing(los(inst)) == {"A": "W1", "B": "W2"}
    # B's work in Oost exempts it; a hand-made result with A in W2 is refused.
    res = los(hard)
    assert plaatsing(res) == {"A": "W1", "B": "W2"}
    fout_res = replace(
        res,
        plaatsingen=res.plaatsingen.assign(
            aanbod_id=["W2", "W1"], gemeente_code=["GM0002", "GM0001"]
        ),
    )
    schendingen = verify(hard, fout_res, strikt=False).schendingen
    assert "A: W2 ligt in COA-regio Oost, buiten COA-regio Noord van het azc (harde regel)" in (
        schendingen
    )
    assert not any(s.startswith("B: W1 ligt in COA-regio") for s in schendingen)


def test_parameters_tonen_de_regel() -> None:
    inst = met_coa(twee_regios("highs"))
    p = parameters(inst)
    rij = p[(p["onderdeel"] == "Harde criteria") & (p["parameter"] == "coa_regio")]
    assert rij["waarde"].tolist() == [True]

"""Locks and bans set by hand (``vastleggingen``): hand-derived tiny rounds and validation.

Conventions as in ``test_model``: the ``standaard`` preset; everybody's azc is
in gemeente 1 (COA-regio Noord); gemeente 2 lies in COA-regio Oost, so a home
there costs 10 per person; a flex site costs 2 per person; taakstellingen are
0, so every placement over-fills its gemeente by the same amount and the
``kosten`` level decides between options.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from bouwers import BACKENDS, flex, gemeente, huishouden, los, plaatsing, ronde, woning

from allocatie.invoer.laden import laad_ronde
from allocatie.kern.errors import InvoerFout
from allocatie.model.bouw import bouw_model
from allocatie.model.toelaatbaar import criteriummaskers
from allocatie.resultaat.explain import verklaar
from allocatie.resultaat.verify import verify
from allocatie.ronde.instance import Instance
from allocatie.strategie.oplossen import los_op

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"


def vl(*rijen: tuple[str, str, str, str]) -> pd.DataFrame:
    """Locks table from (huishouden_id, aanbod_id, gemeente_code, soort) rows."""
    return pd.DataFrame(rijen, columns=["huishouden_id", "aanbod_id", "gemeente_code", "soort"])


def drie_opties(backend: str, vastleggingen: pd.DataFrame | None, *hh: str) -> Instance:
    """W1 in gemeente 1 (cost 0), F1 flex in gemeente 1 (cost 2), W2 and F2 in gemeente 2.

    One person each: W1 costs 0, F1 2 (flex), W2 10 (outside the COA-regio),
    F2 12 (both).
    """
    return ronde(
        [gemeente(1), gemeente(2, 10, coa="Oost")],
        {},
        [huishouden(h) for h in (hh or ("A",))],
        [woning("W1", 1), woning("W2", 2)],
        [
            flex("F1", 1, 0, eenheden=1, capaciteit=1),
            flex("F2", 2, 10, eenheden=1, capaciteit=1),
        ],
        backend=backend,
        vastleggingen=vastleggingen,
    )


@pytest.mark.parametrize("backend", BACKENDS)
class TestModel:
    def test_zonder_vastlegging_goedkoopste(self, backend: str) -> None:
        res = los(drie_opties(backend, None))
        assert plaatsing(res) == {"A": "W1"}
        assert res.doelwaarden["kosten"] == pytest.approx(0.0)

    def test_vast_op_duurdere_optie(self, backend: str) -> None:
        """Locked on W2: placed there at cost 10 although W1 costs 0."""
        inst = drie_opties(backend, vl(("A", "W2", "", "vast")))
        assert inst.vastleggingen["gemeente_code"].tolist() == ["GM0002"]
        res = los(inst)
        assert plaatsing(res) == {"A": "W2"}
        assert res.doelwaarden["kosten"] == pytest.approx(10.0)
        uitleg = verklaar(inst, res).set_index("huishouden_id")
        assert "vastgelegd door regisseur op W2" in uitleg.at["A", "harde_criteria"]
        assert "vastgelegd door regisseur" in uitleg.at["A", "reden"]

    def test_verbod_geeft_tweede_keus(self, backend: str) -> None:
        """W1 banned: the second best, F1 (cost 2), not W2 (10)."""
        inst = drie_opties(backend, vl(("A", "W1", "", "verbod")))
        res = los(inst)
        assert plaatsing(res) == {"A": "F1"}
        assert res.doelwaarden["kosten"] == pytest.approx(2.0)
        assert "verboden door regisseur: W1" in verklaar(inst, res)["harde_criteria"].iat[0]

    def test_verbod_op_gemeente(self, backend: str) -> None:
        """Gemeente 1 banned: W2 (10) beats F2 (12)."""
        res = los(drie_opties(backend, vl(("A", "", "GM0001", "verbod"))))
        assert plaatsing(res) == {"A": "W2"}

    def test_vast_op_gemeente(self, backend: str) -> None:
        """Locked on gemeente 2: the cheaper option there, W2 (10), not F2 (12)."""
        res = los(drie_opties(backend, vl(("A", "", "GM0002", "vast"))))
        assert plaatsing(res) == {"A": "W2"}
        assert res.doelwaarden["kosten"] == pytest.approx(10.0)

    def test_ontoelaatbare_vastlegging(self, backend: str) -> None:
        """A (3 persons) locked on W1 for 1-2 persons: signal, unplaced, although W2 fits."""
        inst = ronde(
            [gemeente(1)],
            {},
            [huishouden("A", 3)],
            [woning("W1", 1, max_p=2), woning("W2", 1)],
            backend=backend,
            vastleggingen=vl(("A", "W1", "", "vast")),
        )
        res = los(inst)
        assert plaatsing(res) == {}
        signaal = [s for s in res.signalen if "Huishouden A" in s]
        assert len(signaal) == 1
        assert "vastgelegd op W1" in signaal[0] and "woninggrootte" in signaal[0]
        assert "onbediend" in signaal[0]
        reden = verklaar(inst, res)["reden"].iat[0]
        assert "vastgelegd door regisseur op W1" in reden and "grootte" in reden

    def test_vastlegging_gaat_voor_anderen(self, backend: str) -> None:
        """One home; B (1 person) locked there. Without the lock A (2 persons) would get it
        (fewer persons unplaced); with it B is placed and A's 2 persons stay unplaced."""
        gem, hh, won = [gemeente(1)], [huishouden("A", 2), huishouden("B", 1)], [woning("W1", 1)]
        assert plaatsing(los(ronde(gem, {}, hh, won, backend=backend))) == {"A": "W1"}
        inst = ronde(gem, {}, hh, won, backend=backend, vastleggingen=vl(("B", "W1", "", "vast")))
        res = los(inst)
        assert plaatsing(res) == {"B": "W1"}
        assert res.doelwaarden["onbediend"] == pytest.approx(2.0)

    def test_te_veel_vastgelegd(self, backend: str) -> None:
        """Two households locked on one home: a signal with the numbers; the model picks one."""
        inst = ronde(
            [gemeente(1)],
            {},
            [huishouden("A", 2), huishouden("B", 1)],
            [woning("W1", 1), woning("W2", 1)],
            backend=backend,
            vastleggingen=vl(("A", "W1", "", "vast"), ("B", "W1", "", "vast")),
        )
        res = los(inst)
        assert plaatsing(res) == {"A": "W1"}  # fewer persons unplaced
        assert any("Op W1 zijn 2 huishoudens vastgelegd" in s for s in res.signalen)

    def test_identieke_vastleggingen_een_type(self, backend: str) -> None:
        """Two identical locks on a home two singles may share: one type, onbediend fixed at 0.

        With a home for one household only, the locks do not all fit: nothing is fixed.
        """
        locks = vl(("A", "W2", "", "vast"), ("B", "W2", "", "vast"))
        gem = [gemeente(1), gemeente(2, 10, coa="Oost")]
        hh = [huishouden("A"), huishouden("B"), huishouden("C")]
        for delen, vast in ((2, [True, True, False]), (1, [False, False, False])):
            inst = ronde(
                gem,
                {},
                hh,
                [woning("W1", 1), woning("W2", 2, delen=delen)],
                backend=backend,
                vastleggingen=locks,
            )
            model = bouw_model(inst)
            va = model.vastleggingen
            assert va is not None and va.vast.tolist() == vast
            t = model.typen.type_van
            assert t[0] == t[1] != t[2]
            onb = model.kolommen["onbediend"].start + t[0]
            assert model.kol_boven[onb] == (0.0 if vast[0] else 2.0)
            res = los(inst)
            if vast[0]:
                assert plaatsing(res) == {"A": "W2", "B": "W2", "C": "W1"}
            else:
                assert len(plaatsing(res)) == 2 and plaatsing(res).get("C") == "W1"

    def test_masker_voor_uitleg(self, backend: str) -> None:
        inst = drie_opties(backend, vl(("A", "W2", "", "vast")))
        m = criteriummaskers(inst)
        assert list(m)[-1] == "vastlegging"
        assert m["vastlegging"].tolist() == [[False, True, False, False]]


def test_vastlegging_honoreren_types_en_huishoudens_gelijk() -> None:
    """Two households locked on a home with room for both (shareable by singles)."""
    inst = ronde(
        [gemeente(1), gemeente(2, 10, coa="Oost")],
        {},
        [huishouden("A"), huishouden("B"), huishouden("C")],
        [woning("W1", 1, woningen=2), woning("W2", 2, delen=2)],
        vastleggingen=vl(("A", "W2", "", "vast"), ("B", "W2", "", "vast")),
    )
    for formulering in ("types", "huishoudens"):
        res = los_op(inst, formulering=formulering)
        assert plaatsing(res) == {"A": "W2", "B": "W2", "C": "W1"}
        assert res.doelwaarden["kosten"] == pytest.approx(20.0)


# -- validation, from files -----------------------------------------------------------------


def ronde_map(tmp_path: Path, csv: str) -> Path:
    """A copy of the example round with ``vastleggingen.csv`` holding ``csv``."""
    map_ = tmp_path / "ronde"
    shutil.copytree(VOORBEELD, map_)
    toml = map_ / "ronde.toml"
    toml.write_text(
        toml.read_text().replace("[solver]", 'vastleggingen = "vastleggingen.csv"\n\n[solver]', 1)
    )
    (map_ / "vastleggingen.csv").write_text(csv)
    return map_


KOP = "huishouden_id,aanbod_id,gemeente_code,soort,toelichting\n"


@pytest.mark.parametrize(
    ("regels", "rij", "kolom", "waarde", "tekst"),
    [
        ("HH-999999,W-GM9001-1,,vast,\n", 2, "huishouden_id", "HH-999999", "onbekend huishouden"),
        ("HH-000001,W-XX,,vast,\n", 2, "aanbod_id", "W-XX", "onbekende aanbod_id"),
        ("HH-000001,,GM9999,verbod,\n", 2, "gemeente_code", "GM9999", "onbekende gemeentecode"),
        ("HH-000001,,,vast,\n", 2, "aanbod_id", None, "geen aanbod_id en geen gemeente_code"),
        (
            "HH-000001,W-GM9001-1,GM9002,vast,\n",
            2,
            "aanbod_id",
            "W-GM9001-1",
            "ligt in gemeente GM9001",
        ),
        (
            "HH-000001,W-GM9001-1,,vast,\nHH-000001,,GM9002,vast,\n",
            3,
            "huishouden_id",
            "HH-000001",
            "al vastgelegd in rij 2",
        ),
        (
            "HH-000001,W-GM9001-1,,vast,\nHH-000001,,GM9001,verbod,\n",
            3,
            "soort",
            "verbod",
            "spreekt de vastlegging",
        ),
        ("HH-000001,W-GM9001-1,,zeker,\n", 2, "soort", "zeker", "onbekende soort vastlegging"),
    ],
)
def test_validatie(
    tmp_path: Path, regels: str, rij: int, kolom: str, waarde: str | None, tekst: str
) -> None:
    map_ = ronde_map(tmp_path, KOP + regels)
    with pytest.raises(InvoerFout) as fout:
        laad_ronde(map_)
    e = fout.value
    assert e.bestand is not None and e.bestand.endswith("vastleggingen.csv")
    assert (e.rij, e.kolom, e.waarde) == (rij, kolom, waarde)
    assert tekst in e.bericht


def test_verplichte_kolom(tmp_path: Path) -> None:
    with pytest.raises(InvoerFout, match="verplichte kolom ontbreekt") as fout:
        laad_ronde(ronde_map(tmp_path, "huishouden_id,aanbod_id\nHH-000001,W-GM9001-1\n"))
    assert fout.value.kolom == "soort"


def test_lezen_en_toelichting(tmp_path: Path) -> None:
    csv = KOP + 'HH-000001,W-GM9001-1,,vast,"wens gemeente, zorg"\nHH-000002,,GM9002,verbod,\n'
    inst = laad_ronde(ronde_map(tmp_path, csv))
    assert inst.vastleggingen.to_dict("list") == {
        "huishouden_id": ["HH-000001", "HH-000002"],
        "aanbod_id": ["W-GM9001-1", ""],
        "gemeente_code": ["GM9001", "GM9002"],
        "soort": ["vast", "verbod"],
        "toelichting": ["wens gemeente, zorg", ""],
    }
    assert laad_ronde(VOORBEELD).vastleggingen.empty


@pytest.mark.parametrize("backend", BACKENDS)
def test_herhaalde_ronde_met_vastleggingen(tmp_path: Path, backend: str) -> None:
    """Lock 10 households where the first run placed them: the re-run keeps them there."""
    eerste = los_op(laad_ronde(VOORBEELD, backend=backend))
    gekozen = eerste.plaatsingen.sort_values("huishouden_id").iloc[::7].head(10)
    assert len(gekozen) == 10
    csv = KOP + "".join(
        f"{h},{a},,vast,eerste ronde\n"
        for h, a in zip(gekozen["huishouden_id"], gekozen["aanbod_id"], strict=True)
    )
    inst = laad_ronde(ronde_map(tmp_path, csv), backend=backend)
    tweede = los_op(inst)
    verify(inst, tweede)
    na = plaatsing(tweede)
    assert {h: na.get(h) for h in gekozen["huishouden_id"]} == dict(
        zip(gekozen["huishouden_id"], gekozen["aanbod_id"], strict=True)
    )
    va = bouw_model(inst).vastleggingen
    assert va is not None and int(va.vast.sum()) == 10
    assert tweede.doelwaarden["onbediend"] == pytest.approx(eerste.doelwaarden["onbediend"])


def test_verify_vindt_schendingen() -> None:
    """verify re-checks locks and bans independently of the model."""
    vrij = los(drie_opties("highs", None))  # A -> W1
    for locks, tekst in (
        (vl(("A", "W1", "", "verbod")), "A: geplaatst in W1, maar dat is verboden"),
        (vl(("A", "", "GM0001", "verbod")), "A: geplaatst in W1, maar dat is verboden"),
        (vl(("A", "W2", "", "vast")), "A: geplaatst in W1, maar vastgelegd op W2"),
    ):
        controle = verify(drie_opties("highs", locks), vrij, strikt=False)
        assert any(s.startswith(tekst) for s in controle.schendingen), controle.schendingen
    gem, hh, won = [gemeente(1)], [huishouden("A", 2), huishouden("B", 1)], [woning("W1", 1)]
    zonder = los(ronde(gem, {}, hh, won))  # A -> W1, B unplaced
    met = ronde(gem, {}, hh, won, vastleggingen=vl(("B", "W1", "", "vast")))
    controle = verify(met, zonder, strikt=False)
    assert any(s.startswith("B: vastgelegd op W1") for s in controle.schendingen)

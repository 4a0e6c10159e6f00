"""Taakstelling swaps between gemeenten (Huisvestingswet art. 29(2)), on tiny rounds.

Conventions as in ``test_model``: gemeente ``n`` is ``GM000n``, all households
are singles in an azc in gemeente 1, every home takes one household. The
``ruil`` preset is ``standaard`` with swaps within the arbeidsmarktregio and the
level ``ruil`` (persons handed over) right after ``tekort``; a gemeente hands
over at most ``max_aandeel`` and takes over at most ``max_ontvangen`` of its
taakstelling (0.5 each, unless a test sets them).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from bouwers import (
    BACKENDS,
    assert_niveaus_gelijk,
    gemeente,
    gm,
    huishouden,
    los,
    per_gemeente,
    ronde,
    willekeurige_ronde,
    woning,
)
from openpyxl import load_workbook

from allocatie.cli.ronde import ruilregel
from allocatie.model.bouw import bouw_model
from allocatie.reports.archieflezen import vorige_uit_archief
from allocatie.reports.uitvoer import schrijf_uitvoer
from allocatie.resultaat.explain import verklaar_gemeenten
from allocatie.resultaat.verify import verify
from allocatie.ronde.instance import Instance
from allocatie.ronde.presets import Ruil, laad_preset, preset_uit_dict
from allocatie.ronde.taakstelling import pas_overloop_toe
from allocatie.strategie.oplossen import los_op

pytestmark = pytest.mark.parametrize("backend", BACKENDS)


def met_ruil(inst: Instance, **ruil: float) -> Instance:
    """``inst`` with other swap bounds in its preset."""
    preset = dataclasses.replace(inst.preset, ruil=dataclasses.replace(inst.preset.ruil, **ruil))
    return dataclasses.replace(inst, preset=preset)


def geval_buur(backend: str, model: str = "ruil") -> Instance:
    """Gemeente 1 (task 2) has no homes; neighbour 2 (task 4, same region) has 6.

    Six singles all fit in gemeente 2 (onbediend 0). Without swaps gemeente 1
    is 2 short and gemeente 2 over by 2: tekort 2. With swaps (bounds 1.0)
    gemeente 1 hands its 2 to gemeente 2: opgave 0 and 6, tekort 0, ruil 2.
    """
    inst = ronde(
        [gemeente(1), gemeente(2, 10)],
        {1: 2, 2: 4},
        [huishouden(f"H{i}") for i in range(6)],
        [woning("W2", 2, woningen=6)],
        model=model,
        backend=backend,
    )
    return met_ruil(inst, max_aandeel=1.0, max_ontvangen=1.0) if model == "ruil" else inst


def test_buur_neemt_over(backend: str) -> None:
    res = los(geval_buur(backend))
    assert res.doelwaarden["onbediend"] == 0
    assert res.doelwaarden["tekort"] == 0  # was 2 without swaps
    assert res.doelwaarden["ruil"] == 2
    assert per_gemeente(res, "ruil_af") == {gm(1): 2, gm(2): 0}
    assert per_gemeente(res, "ruil_bij") == {gm(1): 0, gm(2): 2}
    assert per_gemeente(res, "opgave_na_ruil") == {gm(1): 0, gm(2): 6}
    assert per_gemeente(res, "saldo") == {gm(1): 0, gm(2): 0}
    r = res.ruilingen
    assert r[["van_gemeente", "naar_gemeente", "personen"]].values.tolist() == [[gm(1), gm(2), 2]]
    assert r["regio_code"].tolist() == ["AM01"]
    assert [n.naam for n in res.niveaus] == [
        "onbediend",
        "tekort",
        "ruil",
        "eerlijkheid",
        "overvulling",
        "kosten",
    ]


def test_zonder_ruil_gelijk(backend: str) -> None:
    """The same round with ``standaard``: no swap columns, tekort 2 as before."""
    inst = geval_buur(backend, model="standaard")
    assert not inst.preset.ruil.toegestaan
    model = bouw_model(inst)
    assert "ruil_af" not in model.kolommen and "ruil_balans" not in model.rijen
    res = los(inst)
    assert res.doelwaarden["tekort"] == 2
    assert "ruil" not in res.doelwaarden
    assert per_gemeente(res, "ruil_af") == {gm(1): 0, gm(2): 0}
    assert per_gemeente(res, "opgave_na_ruil") == per_gemeente(res, "opgave")
    assert res.ruilingen.empty


def test_geen_ruil_over_regiogrens(backend: str) -> None:
    """Gemeente 3 (task 2, 4 homes) lies in another arbeidsmarktregio (AM02).

    Gemeente 1 (task 2, no homes) and 2 (task 2, 2 homes) share AM01; six
    singles fill gemeente 2 (2) and 3 (4). Gemeente 2 has no room to take
    over and gemeente 3 is in another region, alone there: no swap, tekort 2.
    """
    inst = met_ruil(
        ronde(
            [gemeente(1), gemeente(2, 10), gemeente(3, 20, am="AM02")],
            {1: 2, 2: 2, 3: 2},
            [huishouden(f"H{i}") for i in range(6)],
            [woning("W2", 2, woningen=2), woning("W3", 3, woningen=4)],
            model="ruil",
            backend=backend,
        ),
        max_aandeel=1.0,
        max_ontvangen=1.0,
    )
    res = los(inst)
    assert res.doelwaarden["onbediend"] == 0
    assert res.doelwaarden["tekort"] == 2
    assert res.doelwaarden["ruil"] == 0
    assert res.ruilingen.empty


def test_max_aandeel_begrenst(backend: str) -> None:
    """Gemeente 1 (task 4, no homes) may hand over at most 0.5 x 4 = 2 persons.

    Gemeente 2 (task 4) has 8 homes for the 8 singles. Without swaps tekort 4;
    with the bound, gemeente 1 hands 2 to gemeente 2: tekort 2, ruil 2.
    """
    inst = ronde(
        [gemeente(1), gemeente(2, 10)],
        {1: 4, 2: 4},
        [huishouden(f"H{i}") for i in range(8)],
        [woning("W2", 2, woningen=8)],
        model="ruil",
        backend=backend,
    )
    res = los(inst)
    assert res.doelwaarden["tekort"] == 2
    assert res.doelwaarden["ruil"] == 2
    assert per_gemeente(res, "ruil_af")[gm(1)] == 2
    # max_ontvangen binds the taker the same way: 0.25 x 4 = 1.
    res = los(met_ruil(inst, max_ontvangen=0.25))
    assert res.doelwaarden["tekort"] == 3
    assert per_gemeente(res, "ruil_bij")[gm(2)] == 1


def test_verify_ziet_scheve_ruil(backend: str) -> None:
    inst = geval_buur(backend)
    res = los(inst)
    g = res.per_gemeente.copy()
    g.loc[g["gemeente_code"] == gm(2), "ruil_bij"] = 1
    g.loc[g["gemeente_code"] == gm(2), "opgave_na_ruil"] = 5
    fout = verify(inst, dataclasses.replace(res, per_gemeente=g), strikt=False).schendingen
    assert any("niet in balans" in f for f in fout)
    g = res.per_gemeente.copy()
    g["ruil_af"] = [3, 0]  # above the opgave of gemeente 1 (2)
    fout = verify(inst, dataclasses.replace(res, per_gemeente=g), strikt=False).schendingen
    assert any("buiten de grenzen" in f for f in fout)


@pytest.mark.parametrize("seed", [0, 2, 6, 7, 8])  # seeds with swaps
def test_grof_fijn_en_huishoudens_gelijk(backend: str, seed: int) -> None:
    """Coarse/fine types (with LP first) and one binary per household reach the same levels."""
    inst = willekeurige_ronde(seed, model="ruil", backend=backend, gemeenten=(3, 6))
    inst = met_ruil(inst, max_aandeel=1.0, max_ontvangen=1.0)
    a = los_op(inst)
    b = los_op(inst, formulering="huishoudens")
    assert_niveaus_gelijk(a, b)
    verify(inst, b)


def test_preset_zonder_sectie_is_uit(backend: str) -> None:
    """A preset copied before [ruil] existed still loads, with swaps off."""
    import tomllib

    from allocatie.ronde.presets import MODELS_MAP

    data = tomllib.loads((MODELS_MAP / "standaard.toml").read_text(encoding="utf-8"))
    del data["ruil"]
    assert preset_uit_dict(data).ruil == Ruil()
    assert laad_preset("ruil").ruil.toegestaan
    from allocatie.kern.errors import ConfiguratieFout

    fout = dict(data, ruil={"toegestaan": False, "buren": 1})
    with pytest.raises(ConfiguratieFout, match="onbekende sleutel"):
        preset_uit_dict(fout)
    fout = dict(data, ruil={"toegestaan": True})
    with pytest.raises(ConfiguratieFout, match="doelniveau 'ruil'"):
        preset_uit_dict(fout)
    fout = dict(data, ruil={"regio": "wijk"})
    with pytest.raises(ConfiguratieFout, match="regiosoort"):
        preset_uit_dict(fout)
    fout = dict(data, ruil={"max_aandeel": 1.5})
    with pytest.raises(ConfiguratieFout, match="aandeel"):
        preset_uit_dict(fout)


def test_uitleg_uitvoer_en_overloop(backend: str, tmp_path: Path) -> None:
    """The swap of `geval_buur` in the explanation, the CLI line, the output and the archive.

    Carry-over: gemeente 1 handed its 2 to gemeente 2, which placed 6 against
    its task after the swap (4 + 2): neither carries an achterstand or a
    voorsprong into the next period (without the swap gemeente 1 would carry
    an achterstand of 2 and gemeente 2 a voorsprong of 2).
    """
    inst = geval_buur(backend)
    res = los(inst)
    uitleg = verklaar_gemeenten(inst, res).set_index("gemeente_code")["verklaring"]
    assert "overgedragen aan Gemeente 2 (2 personen)" in uitleg[gm(1)]
    assert "overgenomen van Gemeente 1 (2 personen)" in uitleg[gm(2)]
    regel = ruilregel(inst, res)
    assert "2 personen overgedragen in 1 ruiling: Gemeente 1 → Gemeente 2" in regel
    map_ = schrijf_uitvoer(inst, res, tmp_path / "uit")
    csv = pd.read_csv(map_ / "ruilingen.csv", dtype=str)
    assert csv[["van_gemeente", "naar_gemeente", "personen"]].values.tolist() == [
        [gm(1), gm(2), "2"]
    ]
    wb = load_workbook(map_ / "allocatie.xlsx", read_only=True)
    assert "Ruilingen" in wb.sheetnames
    rijen = list(wb["Per gemeente"].iter_rows(values_only=True))
    kop = list(rijen[0])
    i_af, i_bij = (
        kop.index("Overgedragen aan andere gemeenten (ruil)"),
        kop.index("Overgenomen van andere gemeenten (ruil)"),
    )
    i_na, i_code = kop.index("Opgave na ruil"), kop.index("Code")
    per_code = {r[i_code]: (r[i_af], r[i_bij], r[i_na]) for r in rijen[1:]}
    opgave = res.per_gemeente.set_index("gemeente_code")["opgave"]
    assert per_code[gm(1)] == (2, 0, int(opgave[gm(1)]) - 2)
    assert per_code[gm(2)] == (0, 2, int(opgave[gm(2)]) + 2)
    vorige = vorige_uit_archief(map_ / "ronde.gpkg").set_index("gemeente_code")
    assert vorige["taakstelling"].to_dict() == {gm(1): 0, gm(2): 6}
    nieuw = pas_overloop_toe(
        pd.DataFrame({"gemeente_code": [gm(1), gm(2)], "taakstelling": [3, 3]}),
        vorige.reset_index(),
    ).set_index("gemeente_code")
    assert nieuw[["achterstand", "voorsprong"]].sum().sum() == 0

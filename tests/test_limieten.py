"""Travel-time limits per mode and per household type from the preset (issue 3).

A preset may refine ``[limieten]`` with sub-tables per mode (``[limieten.auto]``,
``[limieten.ov]``) and per household type (``[limieten.alleenstaand]``: one
person, ``[limieten.gezin]``: more). The admissible pairs, the independent
`verify`, the explanation and the infeasibility diagnosis all use the same limit.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from bouwers import BACKENDS, gemeente, huishouden, los, plaatsing, ronde, woning
from gevallen import paren

from allocatie.kern.errors import ConfiguratieFout
from allocatie.resultaat.verify import verify
from allocatie.ronde.instance import Instance
from allocatie.ronde.presets import laad_preset, preset_uit_dict


def _data(**limieten_extra: object) -> dict[str, object]:
    """The standaard preset as a dict, with extra entries in [limieten]."""
    import tomllib

    from allocatie.ronde.presets import MODELS_MAP

    data = tomllib.loads((MODELS_MAP / "standaard.toml").read_text(encoding="utf-8"))
    data["limieten"] = {**data["limieten"], **limieten_extra}
    return data


def test_minuten_per_vervoer_en_huishoudtype() -> None:
    p = preset_uit_dict(
        _data(auto={"werk_min": 45.0}, gezin={"werk_min": 50, "zorg_min": 20})
    ).limieten
    assert p.werk_min == 60.0
    vervoer = np.array(["ov", "auto", "ov", "auto"], dtype=object)
    personen = np.array([1, 1, 3, 3])
    # ov single: base 60; auto single: 45; ov family: 50; auto family: min(45, 50) = 45.
    assert p.minuten("werk_min", vervoer, personen).tolist() == [60.0, 45.0, 50.0, 45.0]
    assert p.minuten("zorg_min", vervoer, personen).tolist() == [45.0, 45.0, 20.0, 20.0]
    assert p.minuten_voor("studie_min", "auto", 4) == 75.0
    # The shipped presets have no sub-tables: one limit for everyone.
    std = laad_preset("standaard").limieten
    assert std.minuten("werk_min", vervoer, personen).tolist() == [60.0] * 4


@pytest.mark.parametrize(
    ("extra", "kolom"),
    [
        ({"fiets": {"werk_min": 10}}, "limieten.fiets"),
        ({"auto": {"werk_max": 10}}, "limieten.auto.werk_max"),
        ({"gezin": {"werk_min": -5}}, "limieten.gezin.werk_min"),
        ({"gezin": {"werk_min": "lang"}}, "limieten.gezin.werk_min"),
        ({"auto": {"termijn_weken": 2}}, "limieten.auto.termijn_weken"),
        ({"afwijkend": []}, "limieten.afwijkend"),
    ],
)
def test_ongeldige_subtabel_is_een_fout(extra: dict[str, object], kolom: str) -> None:
    with pytest.raises(ConfiguratieFout) as fout:
        preset_uit_dict(_data(**extra), bron="mijn.toml")
    assert fout.value.kolom == kolom
    assert fout.value.bestand == "mijn.toml"


def _met_limieten(inst: Instance, *afwijkend: tuple[str, str, float]) -> Instance:
    pr = inst.preset
    return dataclasses.replace(
        inst,
        preset=dataclasses.replace(
            pr, limieten=dataclasses.replace(pr.limieten, afwijkend=tuple(afwijkend))
        ),
    )


def geval(backend: str) -> Instance:
    """Work in gemeente 1 for both; homes at 30 km (gemeente 2) and 45 km (gemeente 3, need 2).

    Test limit werk_min = 40 (bouwers.TEST_LIMIETEN): A goes by car, B by public transport.
    """
    return ronde(
        [gemeente(1), gemeente(2, 30), gemeente(3, 45)],
        {3: 2},
        [
            {**huishouden("A", 1, werk=1), "vervoer": "auto"},
            {**huishouden("B", 1, werk=1), "vervoer": "ov"},
        ],
        [woning("W2", 2), woning("W3", 3)],
        backend=backend,
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_limiet_per_vervoer_bepaalt_de_paren(backend: str) -> None:
    basis = geval(backend)
    assert paren(basis) == {("A", "W2"), ("B", "W2")}
    inst = _met_limieten(basis, ("auto", "werk_min", 50.0))
    # By car 45 minutes is within 50; by public transport it stays beyond 40.
    assert paren(inst) == {("A", "W2"), ("A", "W3"), ("B", "W2")}
    res = los(inst)
    # Gemeente 3 has the need: A (car) goes there, B takes W2.
    assert plaatsing(res) == {"A": "W3", "B": "W2"}
    # The same placement breaks the base limit: verify against the stricter preset says so.
    controle = verify(basis, res, strikt=False)
    assert not controle.ok
    assert any("A" in s and "max 40 min" in s for s in controle.schendingen)


@pytest.mark.parametrize("backend", BACKENDS)
def test_limiet_per_huishoudtype_en_diagnose(backend: str) -> None:
    inst = _met_limieten(
        ronde(
            [gemeente(1), gemeente(2, 30)],
            {2: 3},
            [huishouden("G", 3, werk=1), huishouden("S", 1, werk=1)],
            [woning("W2", 2, min_p=3, max_p=4), woning("W2b", 2, max_p=1)],
            backend=backend,
        ),
        ("gezin", "werk_min", 25.0),
    )
    # The family may travel 25 minutes: the only large home (30 km) is out of reach.
    assert paren(inst) == {("S", "W2b")}
    res = los(inst)
    assert plaatsing(res) == {"S": "W2b"}
    conflict = res.onhaalbaar.set_index("huishouden_id").loc["G", "toelichting"]
    assert "binnen 25 min" in conflict

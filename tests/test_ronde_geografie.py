"""Geography in a round: an origin-destination file in ronde.toml, and flex sites by polygon."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import allocatie
from allocatie.kern.errors import InvoerFout

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"


@pytest.fixture
def ronde(tmp_path: Path) -> Path:
    doel = tmp_path / "ronde"
    shutil.copytree(VOORBEELD, doel)
    return doel


def _met_reistijden(ronde: Path, minuten: float) -> None:
    """Every pair between different gemeenten takes ``minuten``; within one, 5."""
    codes = pd.read_csv(ronde / "taakstelling.csv", dtype=str)["gemeente_code"]
    rijen = [
        {"van": a, "naar": b, "minuten": 5.0 if a == b else minuten} for a in codes for b in codes
    ]
    pd.DataFrame(rijen).to_csv(ronde / "reistijden.csv", index=False)
    toml = (ronde / "ronde.toml").read_text(encoding="utf-8")
    toml = toml.replace("[bestanden]\n", '[bestanden]\nreistijden = "reistijden.csv"\n')
    (ronde / "ronde.toml").write_text(toml, encoding="utf-8")


def test_reistijdenbestand_uit_ronde_toml(ronde: Path) -> None:
    """With 500 minutes between any two gemeenten, a household with work can only be
    placed in its work gemeente itself, and the file's times are the ones used."""
    _met_reistijden(ronde, 500.0)
    inst = allocatie.laad_ronde(ronde)
    for modus in ("ov", "auto"):
        r = inst.reistijden[modus]
        assert r.bron.endswith("reistijden.csv")
        assert np.all(np.diag(r.gemeente_gemeente) == 5.0)
        assert r.gemeente_gemeente.max() == 500.0
    res = allocatie.los_op(inst)
    p = res.plaatsingen
    met_werk = p[
        p["huishouden_id"].isin(inst.huishoudens.query("werk_gemeente != ''").huishouden_id)
    ]
    werk = inst.huishoudens.set_index("huishouden_id")["werk_gemeente"]
    assert len(met_werk) > 0
    assert (
        met_werk["gemeente_code"].to_numpy() == werk[met_werk["huishouden_id"]].to_numpy()
    ).all()
    assert (met_werk["reistijd_werk_min"] == 5.0).all()


def test_onvolledig_reistijdenbestand_is_een_fout(ronde: Path) -> None:
    _met_reistijden(ronde, 30.0)
    df = pd.read_csv(ronde / "reistijden.csv")
    df.iloc[:-1].to_csv(ronde / "reistijden.csv", index=False)
    with pytest.raises(InvoerFout, match="ontbreken"):
        allocatie.laad_ronde(ronde)


def test_flexlocatie_in_andere_gemeente_dan_opgegeven(ronde: Path) -> None:
    """A site whose point lies in another gemeente than its row claims is named by row."""
    flex = pd.read_csv(ronde / "flexlocaties.csv", dtype=str, keep_default_na=False)
    gem = allocatie.laad_ronde(ronde).gemeenten
    andere = next(c for c in gem["gemeente_code"] if c != flex.loc[1, "gemeente_code"])
    punt = gem.set_index("gemeente_code").loc[andere, ["x", "y"]]
    flex.loc[1, "x"], flex.loc[1, "y"] = str(punt["x"]), str(punt["y"])
    flex.to_csv(ronde / "flexlocaties.csv", index=False)
    with pytest.raises(InvoerFout) as e:
        allocatie.laad_ronde(ronde)
    assert e.value.bestand is not None and e.value.bestand.endswith("flexlocaties.csv")
    assert e.value.rij == 3
    assert andere in str(e.value)

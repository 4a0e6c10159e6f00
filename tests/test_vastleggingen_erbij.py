"""Extra locks and bans given to `laad_ronde` (``vastleggingen_erbij``), as the web app does.

They go through the same checks as the round's own ``vastleggingen.csv``
(`allocatie.invoer.validate._vastleggingen`) and together with it: an error names
the extra table's source (``bron_erbij``), its row (header is row 1), column
and value, and for a conflict also the row of the round's own file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from bouwers import BACKENDS, plaatsing

from allocatie.invoer.laden import laad_ronde
from allocatie.kern.errors import InvoerFout
from allocatie.resultaat.verify import verify
from allocatie.strategie.oplossen import los_op

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"
BRON = "regietafel (run 7)"
KOLOMMEN = ["huishouden_id", "aanbod_id", "gemeente_code", "soort", "toelichting"]


def erbij(*rijen: tuple[str, str, str, str, str]) -> pd.DataFrame:
    """An extra locks table, as the web application hands it over (all text)."""
    return pd.DataFrame(rijen, columns=KOLOMMEN, dtype=object)


def met_csv(tmp_path: Path, csv: str) -> Path:
    """A copy of the example round with its own ``vastleggingen.csv``."""
    map_ = tmp_path / "ronde"
    shutil.copytree(VOORBEELD, map_)
    toml = map_ / "ronde.toml"
    toml.write_text(
        toml.read_text().replace("[solver]", 'vastleggingen = "vastleggingen.csv"\n\n[solver]', 1)
    )
    (map_ / "vastleggingen.csv").write_text(",".join(KOLOMMEN) + "\n" + csv)
    return map_


@pytest.mark.parametrize("backend", BACKENDS)
def test_vastzetten_wordt_gevolgd(backend: str) -> None:
    """A household locked at another gemeente than it got goes there; a ban is honoured."""
    vrij = los_op(laad_ronde(VOORBEELD, backend=backend))
    eerst = vrij.plaatsingen.set_index("huishouden_id")
    hid = str(eerst.index[0])
    van = str(eerst.at[hid, "gemeente_code"])
    naar = "GM9001" if van != "GM9001" else "GM9002"
    verboden = str(eerst.index[1])
    verboden_optie = str(eerst.at[verboden, "aanbod_id"])
    inst = laad_ronde(
        VOORBEELD,
        backend=backend,
        vastleggingen_erbij=erbij(
            (hid, "", naar, "vast", "wens van de gemeente"),
            (verboden, verboden_optie, "", "verbod", "woning past niet"),
        ),
        bron_erbij=BRON,
    )
    assert inst.vastleggingen["toelichting"].tolist() == [
        "wens van de gemeente",
        "woning past niet",
    ]
    res = los_op(inst)
    verify(inst, res)
    na = res.plaatsingen.set_index("huishouden_id")
    assert na.at[hid, "gemeente_code"] == naar
    assert plaatsing(res).get(verboden) != verboden_optie


def test_zonder_erbij_gelijk() -> None:
    """None and an empty table leave the round as it was (backwards compatible)."""
    assert laad_ronde(VOORBEELD).vastleggingen.empty
    assert laad_ronde(VOORBEELD, vastleggingen_erbij=erbij()).vastleggingen.empty


@pytest.mark.parametrize(
    ("rijen", "rij", "kolom", "waarde", "tekst"),
    [
        (
            [("HH-999999", "", "GM9001", "vast", "x")],
            2,
            "huishouden_id",
            "HH-999999",
            "onbekend huishouden",
        ),
        (
            [("HH-000001", "", "GM9001", "vast", "x"), ("HH-000002", "W-XX", "", "verbod", "y")],
            3,
            "aanbod_id",
            "W-XX",
            "onbekende aanbod_id",
        ),
        (
            [("HH-000001", "", "GM9001", "vast", "x"), ("HH-000001", "", "GM9002", "vast", "y")],
            3,
            "huishouden_id",
            "HH-000001",
            "al vastgelegd in rij 2;",
        ),
        ([("HH-000001", "", "GM9001", "zeker", "x")], 2, "soort", "zeker", "onbekende soort"),
    ],
)
def test_fout_noemt_bron_rij_kolom_waarde(
    rijen: list[tuple[str, str, str, str, str]],
    rij: int,
    kolom: str,
    waarde: str,
    tekst: str,
) -> None:
    with pytest.raises(InvoerFout) as fout:
        laad_ronde(VOORBEELD, vastleggingen_erbij=erbij(*rijen), bron_erbij=BRON)
    e = fout.value
    assert (e.bestand, e.rij, e.kolom, e.waarde) == (BRON, rij, kolom, waarde)
    assert tekst in e.bericht
    assert BRON in str(e) and f"rij {rij}" in str(e)


def test_tweede_vastzetting_botst_met_csv(tmp_path: Path) -> None:
    """A lock of a household the round's file already locks: the extra row is named."""
    map_ = met_csv(tmp_path, "HH-000001,W-GM9001-1,,vast,uit het bestand\n")
    with pytest.raises(InvoerFout) as fout:
        laad_ronde(
            map_,
            vastleggingen_erbij=erbij(
                ("HH-000002", "", "GM9002", "verbod", "ok"),
                ("HH-000001", "", "GM9002", "vast", "ander idee"),
            ),
            bron_erbij=BRON,
        )
    e = fout.value
    assert (e.bestand, e.rij, e.kolom, e.waarde) == (BRON, 3, "huishouden_id", "HH-000001")
    assert "al vastgelegd in rij 2 van " in e.bericht
    assert "vastleggingen.csv" in e.bericht


def test_verbod_erbij_spreekt_csv_tegen(tmp_path: Path) -> None:
    map_ = met_csv(tmp_path, "HH-000001,W-GM9001-1,,vast,uit het bestand\n")
    with pytest.raises(InvoerFout) as fout:
        laad_ronde(
            map_,
            vastleggingen_erbij=erbij(("HH-000001", "", "GM9001", "verbod", "niet daar")),
            bron_erbij=BRON,
        )
    e = fout.value
    assert (e.bestand, e.rij, e.kolom, e.waarde) == (BRON, 2, "soort", "verbod")
    assert "spreekt de vastlegging van dit huishouden op W-GM9001-1 in rij 2 van" in e.bericht


def test_vastzetten_erbij_tegen_verbod_in_csv(tmp_path: Path) -> None:
    """The file bans gemeente GM9001, the extra table locks there: the extra row is named."""
    map_ = met_csv(tmp_path, "HH-000001,,GM9001,verbod,uit het bestand\n")
    with pytest.raises(InvoerFout) as fout:
        laad_ronde(
            map_,
            vastleggingen_erbij=erbij(("HH-000001", "", "GM9001", "vast", "toch daar")),
            bron_erbij=BRON,
        )
    e = fout.value
    assert (e.bestand, e.rij, e.kolom, e.waarde) == (BRON, 2, "soort", "vast")
    assert "tegengesproken door het verbod in rij 2 van" in e.bericht


def test_erbij_samen_met_csv(tmp_path: Path) -> None:
    """Compatible rows of both sources: the file's first, then the extra ones."""
    map_ = met_csv(tmp_path, "HH-000001,W-GM9001-1,,vast,uit het bestand\n")
    inst = laad_ronde(map_, vastleggingen_erbij=erbij(("HH-000002", "", "GM9002", "verbod", "app")))
    assert inst.vastleggingen["huishouden_id"].tolist() == ["HH-000001", "HH-000002"]
    assert inst.vastleggingen["gemeente_code"].tolist() == ["GM9001", "GM9002"]

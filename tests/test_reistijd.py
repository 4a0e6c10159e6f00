"""Tests for `allocatie.spatial.reistijd`: estimated and user-supplied travel times.

Hand-checked numbers use the default parameters (docs/reistijden.md):
car ``12 + 1.25 * d / 100 * 60`` = ``12 + 0.75 d`` minutes, public transport
``20 + 1.2 * d / 90 * 60`` = ``20 + 0.8 d`` minutes, ``d`` in km.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np
import pytest

from allocatie.kern.errors import ConfiguratieFout, InvoerFout
from allocatie.spatial.reistijd import (
    SCHIJF_GEMIDDELDE,
    ModusParameters,
    ReistijdParameters,
    intra_afstand_km,
    intra_reistijd,
    lees_reistijden,
    reistijden_instance,
    reistijdmatrix,
    schat_reistijden,
)

REPO = Path(__file__).resolve().parents[1]
NL2024 = REPO.parent / "shared" / "data" / "nl2024"
CODES = ["GM0001", "GM0002", "GM0003"]

# --------------------------------------------------------------------------------------
# The estimate
# --------------------------------------------------------------------------------------


def test_formule_met_de_hand() -> None:
    """Car 40 km: 12 + 0.75 * 40 = 42; ov 40 km: 20 + 0.8 * 40 = 52; 0 km: the access time."""
    a = np.array([[0.0, 0.0], [30_000.0, 40_000.0]])  # 50 km apart
    b = np.array([[0.0, 40_000.0]])
    auto = schat_reistijden(a, b, modus="auto")
    ov = schat_reistijden(a, b, modus="ov")
    assert auto.shape == (2, 1)
    np.testing.assert_allclose(auto[:, 0], [12 + 0.75 * 40, 12 + 0.75 * 30])
    np.testing.assert_allclose(ov[:, 0], [20 + 0.8 * 40, 20 + 0.8 * 30])
    nul = schat_reistijden(b, b, modus="ov")
    assert nul[0, 0] == pytest.approx(20.0)
    t = schat_reistijden(a, a)
    np.testing.assert_allclose(t, t.T)  # symmetric
    np.testing.assert_allclose(t[0, 1], 12 + 0.75 * 50)


def test_eigen_parameters() -> None:
    """Detour 1.5 at 60 km/h = 1.5 min/km, plus 3 min access: 10 km -> 18 min."""
    par = ReistijdParameters(auto=ModusParameters(1.5, 60.0, 3.0, 30.0, 0.0))
    t = schat_reistijden(np.zeros((1, 2)), np.array([[6_000.0, 8_000.0]]), parameters=par)
    assert t[0, 0] == pytest.approx(18.0)


def test_gemiddelde_afstand_in_schijf() -> None:
    """128/(45 pi) R: checked against a seeded Monte Carlo sample of point pairs in a disc."""
    assert SCHIJF_GEMIDDELDE == pytest.approx(0.905415, abs=1e-6)
    rng = np.random.default_rng(7)
    n = 400_000
    r = np.sqrt(rng.random((2, n)))  # uniform in the unit disc
    phi = rng.random((2, n)) * 2 * math.pi
    x, y = r * np.cos(phi), r * np.sin(phi)
    gemiddeld = np.hypot(x[0] - x[1], y[0] - y[1]).mean()
    assert gemiddeld == pytest.approx(SCHIJF_GEMIDDELDE, rel=0.01)
    # area pi km² = radius 1 km; area 4 pi = radius 2 km
    np.testing.assert_allclose(
        intra_afstand_km([math.pi, 4 * math.pi]), [0.905415, 1.81083], rtol=1e-5
    )


def test_intra_gemeente_tijd() -> None:
    """100 km²: r = 0.9054 * sqrt(100/pi) = 5.108 km; car 5 + 1.25 * 5.108 / 35 * 60 = 15.95."""
    r = SCHIJF_GEMIDDELDE * math.sqrt(100 / math.pi)
    assert float(intra_reistijd(100.0, modus="auto")) == pytest.approx(5 + 1.25 * r / 35 * 60)
    assert float(intra_reistijd(100.0, modus="ov")) == pytest.approx(10 + 1.2 * r / 20 * 60)
    # unknown area -> the default (78 km²); larger gemeente -> longer trip
    assert float(intra_reistijd(np.nan)) == pytest.approx(float(intra_reistijd(78.0)))
    assert float(intra_reistijd(400.0)) > float(intra_reistijd(100.0))


def test_zelfde_gebruikt_intra_tijd() -> None:
    xy = np.array([[0.0, 0.0], [0.0, 30_000.0]])
    opp = np.array([100.0, np.nan])
    t = schat_reistijden(xy, xy, modus="ov", zelfde=np.eye(2, dtype=bool), oppervlak_km2=opp)
    assert t[0, 0] == pytest.approx(float(intra_reistijd(100.0, modus="ov")))
    assert t[1, 1] == pytest.approx(float(intra_reistijd(78.0, modus="ov")))
    assert t[0, 1] == pytest.approx(20 + 0.8 * 30)
    # zelfde without areas: default area everywhere
    t2 = schat_reistijden(xy, xy, zelfde=np.eye(2, dtype=bool))
    assert t2[0, 0] == pytest.approx(float(intra_reistijd(78.0)))


def test_ongeldige_invoer() -> None:
    with pytest.raises(ConfiguratieFout, match="vervoerswijze"):
        schat_reistijden(np.zeros((1, 2)), np.zeros((1, 2)), modus="fiets")
    with pytest.raises(ConfiguratieFout, match="omrijfactor"):
        ModusParameters(0.9, 100.0, 10.0, 30.0, 5.0)
    with pytest.raises(ConfiguratieFout, match="snelheid"):
        ModusParameters(1.2, 0.0, 10.0, 30.0, 5.0)
    with pytest.raises(ValueError, match="shape"):
        schat_reistijden(np.zeros(2), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="zelfde"):
        schat_reistijden(np.zeros((2, 2)), np.zeros((1, 2)), zelfde=np.ones((1, 2), dtype=bool))


# --------------------------------------------------------------------------------------
# Option x gemeente and gemeente x gemeente
# --------------------------------------------------------------------------------------


def test_reistijdmatrix_opties_en_gemeenten() -> None:
    g = np.array([[0.0, 0.0], [40_000.0, 0.0], [0.0, 20_000.0]])
    o = np.array([[1_000.0, 0.0], [40_000.0, 3_000.0]])
    og = np.array([0, 1])
    opp = np.array([100.0, 50.0, 25.0])
    r = reistijdmatrix(g, o, og, modus="auto", oppervlak_km2=opp)
    assert r.gemeente_gemeente.shape == (3, 3) and r.optie_gemeente.shape == (2, 3)
    intra = intra_reistijd(opp)
    np.testing.assert_allclose(np.diag(r.gemeente_gemeente), intra)
    # an option to its own gemeente: that gemeente's intra time
    assert r.optie_gemeente[0, 0] == pytest.approx(intra[0])
    assert r.optie_gemeente[1, 1] == pytest.approx(intra[1])
    # elsewhere: from the option's own point (39 km and 5 km)
    assert r.optie_gemeente[0, 1] == pytest.approx(12 + 0.75 * 39)
    assert r.optie_gemeente[1, 0] == pytest.approx(12 + 0.75 * math.hypot(40, 3))
    assert r.bron == "schatting"


def test_reistijdmatrix_met_od() -> None:
    g = np.zeros((3, 2))
    od = np.arange(9, dtype=float).reshape(3, 3)
    r = reistijdmatrix(g, np.zeros((2, 2)), np.array([2, 0]), od=od, bron="od.csv")
    np.testing.assert_array_equal(r.gemeente_gemeente, od)
    np.testing.assert_array_equal(r.optie_gemeente, od[[2, 0]])  # options inherit their row
    with pytest.raises(ValueError, match="od"):
        reistijdmatrix(g, np.zeros((0, 2)), np.zeros(0, int), od=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="optie_gemeente"):
        reistijdmatrix(g, np.zeros((1, 2)), np.array([3]))


def test_reistijden_voor_voorbeeldronde() -> None:
    from allocatie import laad_ronde

    inst = laad_ronde(REPO / "data" / "voorbeeld")
    r = reistijden_instance(inst, modus="ov")
    n_g, n_o = len(inst.gemeenten), len(inst.opties)
    assert r.gemeente_gemeente.shape == (n_g, n_g) and r.optie_gemeente.shape == (n_o, n_g)
    assert np.isfinite(r.optie_gemeente).all() and (r.optie_gemeente > 0).all()
    assert inst.grenzen is not None
    opp = inst.grenzen.area.to_numpy() / 1e6
    np.testing.assert_allclose(np.diag(r.gemeente_gemeente), intra_reistijd(opp, modus="ov"))


# --------------------------------------------------------------------------------------
# A user-supplied origin-destination file
# --------------------------------------------------------------------------------------


def _schrijf(tmp_path: Path, regels: list[str], naam: str = "reistijden.csv") -> Path:
    pad = tmp_path / naam
    pad.write_text("\n".join(regels) + "\n", encoding="utf-8")
    return pad


def _volledig(modus: str | None = None) -> list[str]:
    """Every pair of CODES; minutes = 10 * (i + 1) + (j + 1), so [i, j] is recognisable."""
    kop = "van,naar,minuten" + (",modus" if modus else "")
    rijen = [
        f"{a},{b},{10 * (i + 1) + (j + 1)}" + (f",{modus}" if modus else "")
        for i, a in enumerate(CODES)
        for j, b in enumerate(CODES)
    ]
    return [kop, *rijen]


def test_od_uitlijning(tmp_path: Path) -> None:
    """Rows of the file come in any order; the matrix follows the order of the codes given."""
    regels = _volledig()
    pad = _schrijf(tmp_path, [regels[0], *reversed(regels[1:])])
    m = lees_reistijden(pad, CODES)
    np.testing.assert_array_equal(m, [[11, 12, 13], [21, 22, 23], [31, 32, 33]])
    omgekeerd = lees_reistijden(pad, CODES[::-1])
    np.testing.assert_array_equal(omgekeerd, m[::-1, ::-1])


def test_od_modus_kolom(tmp_path: Path) -> None:
    """With a modus column only the rows of the requested mode count."""
    auto = _volledig("auto")
    ov = [
        f"{a},{b},{100 + 10 * (i + 1) + (j + 1)},ov"
        for i, a in enumerate(CODES)
        for j, b in enumerate(CODES)
    ]
    pad = _schrijf(tmp_path, [*auto, *ov])
    np.testing.assert_array_equal(lees_reistijden(pad, CODES, modus="auto")[0], [11, 12, 13])
    np.testing.assert_array_equal(lees_reistijden(pad, CODES, modus="ov")[0], [111, 112, 113])


def test_od_aanvulling_telt_in_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    regels = _volledig()
    pad = _schrijf(tmp_path, [r for r in regels if not r.startswith("GM0003,GM0001")])
    with caplog.at_level(logging.WARNING, logger="allocatie.spatial.reistijd"):
        m = lees_reistijden(pad, CODES, aanvulling=np.full((3, 3), -1.0))
    assert m[2, 0] == -1.0 and m[0, 2] == 13
    assert "1 van de 9 reistijden (auto) ontbreken" in caplog.text


@pytest.mark.parametrize(
    ("vervang", "rij", "kolom", "waarde", "tekst"),
    [
        (("GM0002,GM0003,23", "GM0002,GM9999,23"), 7, "naar", "GM9999", "onbekende gemeentecode"),
        (("GM0002,GM0003,23", "GM0002,GM0003,-5"), 7, "minuten", "-5", "moet >= 0.0"),
        (("GM0002,GM0003,23", "GM0002,GM0003,twintig"), 7, "minuten", "twintig", "getal"),
        (("GM0002,GM0003,23", "GM0002,GM0003,"), 7, "minuten", None, "lege cel"),
        (("GM0002,GM0003,23", "GM0002,GM0002,23"), 7, "van", "GM0002", "komt ook voor in rij 6"),
    ],
    ids=["onbekende-code", "negatief", "geen-getal", "leeg", "dubbel-paar"],
)
def test_od_fout_per_rij(
    tmp_path: Path,
    vervang: tuple[str, str],
    rij: int,
    kolom: str,
    waarde: str | None,
    tekst: str,
) -> None:
    """One malformed file per error; the message names file, row (header = 1), column, value."""
    regels = [r.replace(*vervang) if r.startswith(vervang[0]) else r for r in _volledig()]
    pad = _schrijf(tmp_path, regels)
    with pytest.raises(InvoerFout, match=tekst) as fout:
        lees_reistijden(pad, CODES)
    e = fout.value
    assert (e.bestand, e.rij, e.kolom, e.waarde) == (str(pad), rij, kolom, waarde)


def test_od_ongeldige_modus(tmp_path: Path) -> None:
    regels = _volledig("auto")
    regels[3] = regels[3].replace(",auto", ",fiets")
    with pytest.raises(InvoerFout, match="vervoerswijze") as fout:
        lees_reistijden(_schrijf(tmp_path, regels), CODES, modus="auto")
    assert (fout.value.rij, fout.value.kolom, fout.value.waarde) == (4, "modus", "fiets")


def test_od_ontbrekend_paar(tmp_path: Path) -> None:
    regels = [r for r in _volledig() if not r.startswith("GM0003,GM0003")]
    with pytest.raises(InvoerFout, match=r"1 van de 9 paren ontbreken.*GM0003 -> GM0003") as fout:
        lees_reistijden(_schrijf(tmp_path, regels), CODES)
    assert fout.value.bestand is not None


def test_od_ontbrekende_kolom(tmp_path: Path) -> None:
    regels = [r.rsplit(",", 1)[0] for r in _volledig()]
    with pytest.raises(InvoerFout, match="verplichte kolom") as fout:
        lees_reistijden(_schrijf(tmp_path, regels), CODES)
    assert (fout.value.rij, fout.value.kolom) == (1, "minuten")


# --------------------------------------------------------------------------------------
# Real geography: sanity check against well-known journeys, and size
# --------------------------------------------------------------------------------------

#: (van, naar, car minutes off-peak by route planner, NS intercity minutes station to station).
#: Approximate typical values; see docs/reistijden.md. Door-to-door ov = NS + 20 minutes.
REISEN: list[tuple[str, str, float, float]] = [
    ("GM0363", "GM0344", 40, 27),  # Amsterdam - Utrecht
    ("GM0363", "GM0599", 60, 41),  # Amsterdam - Rotterdam
    ("GM0518", "GM0599", 30, 23),  # Den Haag - Rotterdam
    ("GM0344", "GM0202", 50, 37),  # Utrecht - Arnhem
    ("GM0014", "GM0193", 70, 58),  # Groningen - Zwolle
    ("GM0772", "GM0935", 65, 64),  # Eindhoven - Maastricht
    ("GM0363", "GM0392", 25, 15),  # Amsterdam - Haarlem
    ("GM0344", "GM0307", 28, 15),  # Utrecht - Amersfoort
    ("GM0202", "GM0268", 27, 13),  # Arnhem - Nijmegen
    ("GM0518", "GM0546", 25, 11),  # Den Haag - Leiden
    ("GM0363", "GM0014", 120, 125),  # Amsterdam - Groningen
    ("GM0363", "GM0935", 140, 147),  # Amsterdam - Maastricht
    ("GM0758", "GM0855", 25, 13),  # Breda - Tilburg
]
OV_VOOR_EN_NA_MIN = 20.0
TOLERANTIE = 0.25


@pytest.fixture(scope="module")
def nl2024():  # type: ignore[no-untyped-def]
    gpkg = NL2024 / "cbsgebiedsindelingen_2024.gpkg"
    if not gpkg.exists():
        pytest.skip(f"echte gegevens ontbreken: {gpkg}")
    import geopandas as gpd

    return gpd.read_file(gpkg, layer="gemeente_gegeneraliseerd")


@pytest.mark.parametrize("modus", ["auto", "ov"])
def test_bekende_reizen_binnen_tolerantie(nl2024, modus: str) -> None:  # type: ignore[no-untyped-def]
    """Every well-known journey is estimated within 25% of its reference time."""
    punten = nl2024.geometry.representative_point()
    xy = dict(zip(nl2024["statcode"], zip(punten.x, punten.y, strict=True), strict=True))
    van = np.array([xy[a] for a, *_ in REISEN])
    naar = np.array([xy[b] for _, b, *_ in REISEN])
    geschat = np.diag(schat_reistijden(van, naar, modus=modus))
    ref = np.array([r[2] if modus == "auto" else r[3] + OV_VOOR_EN_NA_MIN for r in REISEN])
    fout = geschat / ref - 1
    te_ver = [
        f"{a}-{b}: {t:.0f} vs {r:.0f} min"
        for (a, b, *_), t, r, f in zip(REISEN, geschat, ref, fout, strict=True)
        if abs(f) > TOLERANTIE
    ]
    assert not te_ver, te_ver


def test_landelijke_omvang(nl2024) -> None:  # type: ignore[no-untyped-def]
    """342 x 342 and 500 x 342 on the real map: runs, finite, positive (no timing assertion)."""
    punten = nl2024.geometry.representative_point()
    g_xy = np.column_stack([punten.x, punten.y])
    opp = nl2024.geometry.area.to_numpy() / 1e6
    rng = np.random.default_rng(2024)
    og = rng.integers(0, len(g_xy), 500)
    o_xy = g_xy[og] + rng.normal(0, 2_000, (500, 2))
    for modus in ("auto", "ov"):
        r = reistijdmatrix(g_xy, o_xy, og, modus=modus, oppervlak_km2=opp)
        assert r.gemeente_gemeente.shape == (342, 342) and r.optie_gemeente.shape == (500, 342)
        assert np.isfinite(r.optie_gemeente).all() and (r.gemeente_gemeente > 0).all()
        assert r.gemeente_gemeente.max() < 400  # nothing in the Netherlands is > 6.5 hours

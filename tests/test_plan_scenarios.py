"""Tests for the scenario generator and the scenario CSV (`allocatie.planning.invoer.scenarios`).

The statistical tests draw a few thousand scenarios of one region and use
tolerances of about four standard errors, derived next to each test, so they
fail by chance less than once in ten thousand runs (and, the seed being
fixed, never flicker).
"""

from __future__ import annotations

import doctest
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import allocatie.planning.invoer.scenarios as scenarios_mod
from allocatie.kern.errors import ConfiguratieFout, InvoerFout
from allocatie.planning.gegevens import Scenarioset
from allocatie.planning.invoer.scenariobestand import lees_scenarios, schrijf_scenarios
from allocatie.planning.invoer.scenarios import Basispad, Schokken, genereer_scenarios, perioden

REGIOS = ("Noord", "Zuid", "West")
KLASSEN = ("alleenstaand", "klein", "groot")
STIL = Schokken(
    sigma=0,
    kans_korting=0,
    kans_piek=0,
    sigma_regio=0,
    sigma_samenstelling=0,
    sigma_aanbod=0,
)


def _basis(t: int = 4, personen: float = 1000.0) -> Basispad:
    return Basispad(
        regios=REGIOS,
        perioden=perioden("2027-I", t),
        personen=np.full(t, personen),
        aandelen=np.array([0.2, 0.5, 0.3]),
        samenstelling=np.array([0.5, 0.3, 0.2]),
        aanbod=np.array([[60.0, 40.0, 30.0], [150.0, 90.0, 60.0], [80.0, 50.0, 40.0]]),
    )


def _land(t: int = 10) -> Basispad:
    """One region, one class: the national volume itself."""
    return Basispad(("NL",), perioden("2027-I", t), np.full(t, 1000.0), [1.0], [1.0], [[500.0]],
                    klassen=("alle",))  # fmt: skip


def test_doctests() -> None:
    assert doctest.testmod(scenarios_mod).failed == 0


# --------------------------------------------------------------------------- periods


def test_perioden_lopen_over_de_jaargrens() -> None:
    assert perioden("2027-I", 4) == ("2027-I", "2027-II", "2028-I", "2028-II")
    assert perioden(" 2029-II ", 1) == ("2029-II",)


@pytest.mark.parametrize("label", ["2027-3", "2027-i", "27-I", "2027 I", "2027-III", "", "2027"])
def test_perioden_ongeldig_label(label: str) -> None:
    with pytest.raises(ConfiguratieFout, match="ongeldige periode; verwacht JJJJ-I") as e:
        perioden(label, 2)
    assert e.value.waarde == label


@pytest.mark.parametrize("aantal", [0, -1, 2.0, True])
def test_perioden_ongeldig_aantal(aantal: object) -> None:
    with pytest.raises(ConfiguratieFout, match="aantal perioden"):
        perioden("2027-I", aantal)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- inputs


def test_basispad_herhaalt_aanbod_per_periode_en_is_alleen_lezen() -> None:
    b = _basis(3)
    assert b.aanbod.shape == (3, 3, 3)
    assert (b.aanbod[:, 2, :] == b.aanbod[:, 0, :]).all()
    with pytest.raises(ValueError):
        b.personen[0] = 5.0


@pytest.mark.parametrize(
    ("veld", "waarde", "fragment"),
    [
        ("aandelen", [0.2, 0.5, 0.4], "tellen op tot 1.1"),
        ("samenstelling", [0.5, 0.5], "verwacht vorm (3,)"),
        ("personen", [1000.0, -1.0, 1000.0, 1000.0], ">= 0"),
        ("aanbod", np.ones((3, 2)), "verwacht vorm (3, 4, 3)"),
        ("regios", ("A", "A", "B"), "unieke namen"),
    ],
)
def test_basispad_ongeldig(veld: str, waarde: object, fragment: str) -> None:
    velden = {k: getattr(_basis(), k) for k in Basispad.__dataclass_fields__}
    velden[veld] = waarde
    with pytest.raises(ConfiguratieFout) as e:
        Basispad(**velden)
    assert e.value.kolom == f"basispad.{veld}" and fragment in str(e.value), str(e.value)


@pytest.mark.parametrize(
    ("veld", "waarde"),
    [
        ("phi", 1.0),
        ("sigma", -0.1),
        ("kans_korting", 1.5),
        ("korting_max", 1.2),
        ("korting_min", 0.5),  # above korting_max
        ("piek_min", 0.9),  # above piek_max
        ("sigma_regio", float("nan")),
        ("phi_aanbod", "0.5"),
    ],
)
def test_schokken_ongeldig(veld: str, waarde: object) -> None:
    with pytest.raises(ConfiguratieFout) as e:
        Schokken(**{veld: waarde})  # type: ignore[arg-type]
    assert e.value.kolom == f"schokken.{veld}"


# --------------------------------------------------------------------------- reproducibility


def test_zelfde_seed_zelfde_scenarios_andere_seed_andere() -> None:
    a = genereer_scenarios(_basis(), Schokken(), 20, seed=11)
    b = genereer_scenarios(_basis(), Schokken(), 20, seed=11)
    c = genereer_scenarios(_basis(), Schokken(), 20, seed=12)
    assert np.array_equal(a.instroom, b.instroom) and np.array_equal(a.aanbod, b.aanbod)
    assert not np.allclose(a.instroom, c.instroom)
    assert np.allclose(a.kansen, 1 / 20) and a.namen[0] == "s001" and a.namen[-1] == "s020"


def test_batches_gelijk_aan_alles_tegelijk() -> None:
    alles = genereer_scenarios(_basis(), Schokken(), 30, seed=5)
    batches = [
        genereer_scenarios(_basis(), Schokken(), 30, seed=5, indices=range(b, min(b + 7, 30)))
        for b in range(0, 30, 7)
    ]
    assert np.array_equal(np.concatenate([b.instroom for b in batches]), alles.instroom)
    assert np.array_equal(np.concatenate([b.aanbod for b in batches]), alles.aanbod)
    assert sum((b.namen for b in batches), ()) == alles.namen
    # In any order, and with the probabilities `Scenarioset.deel` gives.
    deel = genereer_scenarios(_basis(), Schokken(), 30, seed=5, indices=[17, 3])
    verwacht = alles.deel([17, 3])
    assert np.array_equal(deel.instroom, verwacht.instroom) and deel.namen == verwacht.namen
    assert np.array_equal(deel.kansen, verwacht.kansen)


def test_scenario_hangt_alleen_af_van_seed_en_index() -> None:
    klein = genereer_scenarios(_basis(), Schokken(), 5, seed=9)
    groot = genereer_scenarios(_basis(), Schokken(), 500, seed=9, indices=range(5))
    assert np.array_equal(klein.instroom, groot.instroom)
    # Scenario i uses child i of SeedSequence(seed).spawn(n).
    kind = np.random.SeedSequence(9).spawn(5)[3]
    eerste = np.random.default_rng(kind).standard_normal(4)  # the national innovations
    a = genereer_scenarios(_land(4), Schokken(sigma_regio=0, kans_korting=0, kans_piek=0), 5, 9)
    z = np.log(a.instroom[3, 0, :, 0] / 1000.0)
    v = 0.15**2 * np.cumsum(0.8 ** (2 * np.arange(4)))
    z_verwacht = np.zeros(4)
    for t in range(4):
        z_verwacht[t] = (0.8 * z_verwacht[t - 1] if t else 0.0) + 0.15 * eerste[t]
    assert np.allclose(z, z_verwacht - v / 2)


def test_gemeenschappelijke_toevalsgetallen() -> None:
    """Other national shocks, same seed: the supply and regional noise stay the same."""
    a = genereer_scenarios(_basis(), Schokken(), 10, seed=3)
    b = genereer_scenarios(_basis(), Schokken(kans_korting=0.5, sigma=0.3), 10, seed=3)
    assert np.array_equal(a.aanbod, b.aanbod)
    verdeling = a.instroom.sum(axis=3) / a.instroom.sum(axis=(1, 3))[:, None, :]
    assert np.allclose(verdeling, b.instroom.sum(axis=3) / b.instroom.sum(axis=(1, 3))[:, None, :])


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"aantal": 0}, "aantal >= 1"),
        ({"seed": -1}, "geheel getal >= 0"),
        ({"indices": [3, 10]}, "van 0 tot en met 9"),
        ({"indices": [1, 1]}, "verschillende"),
        ({"indices": []}, "verschillende"),
    ],
)
def test_genereer_ongeldig(kwargs: dict[str, object], fragment: str) -> None:
    args: dict[str, object] = {"aantal": 10, "seed": 1, **kwargs}
    with pytest.raises(ConfiguratieFout, match=fragment):
        genereer_scenarios(_basis(), Schokken(), **args)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- statistics


def test_zonder_schokken_het_basispad() -> None:
    s = genereer_scenarios(_basis(), STIL, 3, seed=1)
    b = _basis()
    verwacht = 1000.0 * b.aandelen[:, None, None] * b.samenstelling[None, None, :]
    assert np.allclose(s.instroom, np.broadcast_to(verwacht, s.instroom.shape))
    assert np.allclose(s.aanbod, b.aanbod[None])


def test_gemiddeld_volume_bij_het_basispad() -> None:
    """Mean national volume = base x E[L_t] (module docstring).

    With the defaults the volume's coefficient of variation is at most about
    0.6 (measured: 0.55 in the last period), so over 4,000 scenarios the
    standard error of the mean ratio is about 0.6 / sqrt(4000) = 0.0095; a
    tolerance of 0.04 is four standard errors.
    """
    sch = Schokken()
    s = genereer_scenarios(_land(), sch, 4000, seed=2027)
    verhouding = s.instroom[:, 0, :, 0].mean(axis=0) / 1000.0
    verwacht = np.array([sch.verwachte_factor(t) for t in range(10)])
    assert np.abs(verhouding - verwacht).max() < 0.04, verhouding
    assert (s.instroom >= 0).all() and (s.aanbod >= 0).all()
    # Regular supply: mean-corrected lognormal factor, CV about 0.12 -> SE 0.002.
    assert np.abs(s.aanbod[:, 0, :, 0].mean(axis=0) / 500.0 - 1).max() < 0.01


def test_kortingen_frequentie_en_omvang() -> None:
    """Without other noise a period's volume is the previous one times (1 - cut).

    10,000 Bernoulli(0.2) draws: standard error of the frequency
    sqrt(0.2 * 0.8 / 10000) = 0.004, tolerance 0.016. Cut sizes are uniform on
    [0.15, 0.36]: mean 0.255, sd 0.061, about 2,000 cuts -> SE 0.0014, tolerance 0.006.
    """
    sch = Schokken(sigma=0, kans_korting=0.2, kans_piek=0, sigma_regio=0)
    v = genereer_scenarios(_land(), sch, 1000, seed=4).instroom[:, 0, :, 0] / 1000.0
    stap = np.concatenate([v[:, :1], v[:, 1:] / v[:, :-1]], axis=1)
    korting = 1 - stap[stap < 1 - 1e-12]
    assert abs(korting.size / stap.size - 0.2) < 0.016
    assert korting.min() >= 0.15 - 1e-12 and korting.max() <= 0.36 + 1e-12
    assert abs(korting.mean() - 0.255) < 0.006
    assert np.allclose(stap[stap >= 1 - 1e-12], 1.0)  # persistent: no recovery


def test_pieken_blijvend_en_binnen_bereik() -> None:
    sch = Schokken(sigma=0, kans_korting=0, kans_piek=0.3, sigma_regio=0)
    v = genereer_scenarios(_land(), sch, 500, seed=6).instroom[:, 0, :, 0] / 1000.0
    stap = np.concatenate([v[:, :1], v[:, 1:] / v[:, :-1]], axis=1)
    piek = stap[stap > 1 + 1e-12] - 1
    assert abs(piek.size / stap.size - 0.3) < 0.03  # SE sqrt(.21/5000) = 0.0065
    assert piek.min() >= 0.2 - 1e-12 and piek.max() <= 0.6 + 1e-12


def test_regioruis_verdeelt_alleen_en_samenstelling_telt_op() -> None:
    sch = Schokken(sigma=0, kans_korting=0, kans_piek=0, sigma_regio=0.3, sigma_samenstelling=0.3)
    s = genereer_scenarios(_basis(), sch, 200, seed=8)
    assert np.allclose(s.instroom.sum(axis=(1, 3)), 1000.0)  # the national total is kept
    mix = s.instroom.sum(axis=1) / s.instroom.sum(axis=(1, 3))[:, :, None]  # (S, T, K)
    assert np.allclose(mix.sum(axis=2), 1.0)
    assert np.allclose(mix[:, :, 1] / mix[:, :, 2], 0.3 / 0.2)  # the others keep proportions
    assert mix[:, :, 0].std() > 0.02  # the singles' share does move
    # The logit walk is symmetric around the base: the median share stays 0.5.
    assert abs(np.median(mix[:, -1, 0]) - 0.5) < 0.05
    aandeel = s.instroom.sum(axis=3) / 1000.0  # (S, R, T)
    assert np.allclose(aandeel.sum(axis=1), 1.0)
    assert np.abs(aandeel.mean(axis=(0, 2)) - [0.2, 0.5, 0.3]).max() < 0.02


# --------------------------------------------------------------------------- CSV round trip


def test_schrijven_en_lezen_geeft_precies_hetzelfde(tmp_path: Path) -> None:
    s = genereer_scenarios(_basis(), Schokken(), 7, seed=21)
    pad = schrijf_scenarios(s, tmp_path / "s.csv")
    t = lees_scenarios(pad, regios=REGIOS, perioden=s.perioden, klassen=KLASSEN)
    assert t.namen == s.namen and t.regios == s.regios and t.perioden == s.perioden
    assert np.array_equal(t.kansen, s.kansen)
    assert np.array_equal(t.instroom, s.instroom) and np.array_equal(t.aanbod, s.aanbod)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]  # atomic: no temp file


def test_lezen_volgt_de_opgegeven_asvolgorde(tmp_path: Path) -> None:
    s = genereer_scenarios(_basis(), Schokken(), 2, seed=1)
    pad = schrijf_scenarios(s, tmp_path / "s.csv")
    t = lees_scenarios(pad, regios=REGIOS[::-1], perioden=s.perioden, klassen=KLASSEN[::-1])
    assert np.array_equal(t.instroom, s.instroom[:, ::-1, :, ::-1])


def _schrijf(tmp_path: Path, rijen: list[list[str]], naam: str = "s.csv", sep: str = ",") -> Path:
    pad = tmp_path / naam
    pad.write_text("\n".join(sep.join(r) for r in rijen) + "\n", encoding="utf-8")
    return pad


def _rijen() -> list[list[str]]:
    """A valid file: regions A, B; 2027-I, 2027-II; two classes; laag 0.4 and hoog 0.6."""
    uit = [["scenario", "kans", "periode", "regio", "klasse", "instroom", "aanbod"]]
    for s, p in (("laag", "0.4"), ("hoog", "0.6")):
        for t in ("2027-I", "2027-II"):
            for r in ("A", "B"):
                for k in ("alleen", "gezin"):
                    uit.append([s, p, t, r, k, "10", "5"])
    return uit


def _lees(pad: Path) -> Scenarioset:
    return lees_scenarios(
        pad, regios=("A", "B"), perioden=("2027-I", "2027-II"), klassen=("alleen", "gezin")
    )


def test_puntkomma_en_decimale_komma(tmp_path: Path) -> None:
    rijen = [[c.replace(".", ",") for c in r] for r in _rijen()]  # kans 0,4 and 0,6
    rijen[1][5] = "12,5"
    rijen[2][6] = "0,75"
    rijen[3][6] = ",125"
    s = _lees(_schrijf(tmp_path, rijen, sep=";"))
    assert s.instroom[0, 0, 0, 0] == 12.5 and s.aanbod[0, 0, 0, 1] == 0.75
    assert s.aanbod[0, 1, 0, 0] == 0.125
    assert s.kansen.tolist() == [0.4, 0.6]


def test_zonder_kans_gelijke_kansen_en_bom(tmp_path: Path) -> None:
    rijen = [r[:1] + r[2:] for r in _rijen()]
    pad = _schrijf(tmp_path, rijen)
    pad.write_bytes(b"\xef\xbb\xbf" + pad.read_bytes())
    assert _lees(pad).kansen.tolist() == [0.5, 0.5]


def _kolommen(rijen: list[list[str]], weg: str) -> list[list[str]]:
    j = rijen[0].index(weg)
    return [r[:j] + r[j + 1 :] for r in rijen]


Mutatie = Callable[[list[list[str]]], list[list[str]]]


def _zet(rij: int, kolom: str, waarde: str) -> Mutatie:
    """A mutation: put ``waarde`` in spreadsheet row ``rij``, column ``kolom``."""

    def f(rijen: list[list[str]]) -> list[list[str]]:
        rijen[rij - 1][rijen[0].index(kolom)] = waarde
        return rijen

    return f


FOUTEN = [
    # (name, mutation, row, column, value in message, fragment)
    ("kolom ontbreekt", lambda r: _kolommen(r, "aanbod"), 1, "aanbod", None, "verplichte kolom"),
    ("onbekende kolom", _zet(1, "kans", "kansen"), 1, "kansen", None, "onbekende kolom"),
    ("dubbele kolom", _zet(1, "kans", "aanbod"), 1, "aanbod", None, "dubbele kolom"),
    ("onbekende regio", _zet(4, "regio", "C"), 4, "regio", "C", "kies uit A, B"),
    ("onbekende periode", _zet(2, "periode", "2027-III"), 2, "periode", "2027-III", "2027-II"),
    ("onbekende klasse", _zet(3, "klasse", "groot"), 3, "klasse", "groot", "alleen, gezin"),
    ("negatief", _zet(5, "instroom", "-3"), 5, "instroom", "-3", "moet >= 0"),
    ("geen getal", _zet(6, "aanbod", "veel"), 6, "aanbod", "veel", "geen getal"),
    ("komma", _zet(6, "aanbod", '"1,5"'), 6, "aanbod", "1,5", "punt als decimaalteken"),
    ("oneindig", _zet(6, "aanbod", "inf"), 6, "aanbod", "inf", "geen getal"),
    ("lege cel", _zet(7, "instroom", ""), 7, "instroom", None, "lege cel"),
    ("kans te groot", _zet(2, "kans", "1.5"), 2, "kans", "1.5", "tussen 0 en 1"),
    ("kans wisselt", _zet(9, "kans", "0.41"), 9, "kans", "0.41", "in rij 2 kans 0.4"),
    ("dubbele rij", _zet(3, "klasse", "alleen"), 3, "scenario", "laag", "ook in rij 2"),
]


@pytest.mark.parametrize(
    ("mutatie", "rij", "kolom", "waarde", "fragment"),
    [f[1:] for f in FOUTEN],
    ids=[f[0] for f in FOUTEN],
)
def test_foute_csv(
    tmp_path: Path, mutatie: Mutatie, rij: int, kolom: str, waarde: str | None, fragment: str
) -> None:
    pad = _schrijf(tmp_path, mutatie(_rijen()))
    with pytest.raises(InvoerFout) as e:
        _lees(pad)
    tekst = str(e.value)
    assert e.value.bestand == str(pad) and f"bestand '{pad}'" in tekst, tekst
    assert (e.value.rij, e.value.kolom) == (rij, kolom), tekst
    assert f"rij {rij}" in tekst and f"kolom '{kolom}'" in tekst, tekst
    if waarde is not None:
        assert repr(waarde) in tekst, tekst
    assert fragment in tekst, tekst


def test_ontbrekende_combinatie(tmp_path: Path) -> None:
    rijen = _rijen()
    del rijen[7]  # spreadsheet row 8: laag, 2027-II, B, alleen
    pad = _schrijf(tmp_path, rijen)
    with pytest.raises(InvoerFout) as e:
        _lees(pad)
    tekst = str(e.value)
    assert e.value.bestand == str(pad)
    assert (
        "scenario 'laag', periode '2027-II', regio 'B', klasse 'alleen' heeft geen rij" in tekst
    ), tekst
    assert "1 van de 16 combinaties" in tekst


def test_kansen_tellen_niet_op_tot_een(tmp_path: Path) -> None:
    rijen = [r if r[0] != "hoog" else [r[0], "0.5", *r[2:]] for r in _rijen()]
    pad = _schrijf(tmp_path, rijen)
    with pytest.raises(InvoerFout) as e:
        _lees(pad)
    assert e.value.kolom == "kans" and "tellen op tot 0.9" in str(e.value)
    assert "laag 0.4, hoog 0.5" in str(e.value)


@pytest.mark.parametrize(
    ("tekst", "rij", "fragment"),
    [
        ("scenario,kans,periode,regio,klasse,instroom,aanbod\n", None, "geen scenario's"),
        ("", None, "geen kopregel"),
        ("scenario;periode,regio\n", 1, "onduidelijk scheidingsteken"),
        (
            "scenario;periode;regio;klasse;instroom;aanbod\nl;2027-I;A;alleen;0.5;1\n",
            2,
            "punt in een getal",
        ),
        ("scenario,periode,regio,klasse,instroom,aanbod\nlaag,2027-I,A\n", 2, "3 velden"),
        (
            "scenario,periode,regio,klasse,instroom,aanbod\nl,2027-I,A,alleen,1,1\n\n"
            "l,2027-I,B,alleen,1,1\n",
            3,
            "lege rij",
        ),
        (
            "scenario;periode;regio;klasse;instroom;aanbod\nl;2027-I;A;alleen;12.000;1\n",
            2,
            "dubbelzinnig",
        ),
        ('scenario,periode\n"l,2027-I\n', 2, "geen geldige CSV"),
        (
            "scenario;periode;regio;klasse;instroom;aanbod\nl;2027-I;A;alleen;1.234,5;1\n",
            2,
            "zonder duizendtalscheiding",
        ),
    ],
)
def test_foute_csv_vorm(tmp_path: Path, tekst: str, rij: int | None, fragment: str) -> None:
    pad = tmp_path / "s.csv"
    pad.write_text(tekst, encoding="utf-8")
    with pytest.raises(InvoerFout) as e:
        _lees(pad)
    assert e.value.bestand == str(pad) and e.value.rij == rij and fragment in str(e.value)


def test_geen_utf8_en_geen_bestand(tmp_path: Path) -> None:
    pad = tmp_path / "latin.csv"
    pad.write_bytes("scenario,regio\nlaag,Frysl\u00e2n\n".encode("latin-1"))
    with pytest.raises(InvoerFout, match="geen UTF-8"):
        _lees(pad)
    with pytest.raises(InvoerFout, match="bestaat niet") as e:
        _lees(tmp_path / "weg.csv")
    assert e.value.bestand == str(tmp_path / "weg.csv")

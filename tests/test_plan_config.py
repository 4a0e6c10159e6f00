"""Tests for the plan TOML (`allocatie.planning.invoer.config`) and the examples in data/plan."""

from __future__ import annotations

import dataclasses
import doctest
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import allocatie.planning.invoer.config as config_mod
from allocatie.kern.errors import ConfiguratieFout, InvoerFout
from allocatie.planning.invoer.config import lees_planconfig
from allocatie.planning.invoer.planconfig import BELEIDEN
from allocatie.planning.invoer.scenariobestand import schrijf_scenarios
from allocatie.planning.invoer.scenarios import genereer_scenarios
from allocatie.planning.invoer.varianten import varianten

PLAN = Path(__file__).resolve().parents[1] / "data" / "plan"
CBS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "nl2024"

KLEIN = """\
[plan]
naam = "Proef"
eerste_periode = "2027-II"
perioden = 3
klassen = ["alleen", "gezin"]
doorstroom = 0.2

[scenarios]
aantal = 4
seed = 1

[scenarios.instroom]
personen_per_periode = [100, 120, 140]
samenstelling = { alleen = 0.6, gezin = 0.4 }

[scenarios.schokken]
kans_korting = 0.2

[kosten]
wachten = 1000
verdringing = 50

[[flextype]]
naam = "studio"
plaatsen = 10
klassen = ["alleen"]
openen = 100000
exploitatie = 2000
sluiten = 30000
levertijd = 3

[[flextype]]
naam = "huis"
plaatsen = 4
klassen = ["gezin"]
openen = 200000
exploitatie = 1000
sluiten = 10000

[verplaatsing]
toegestaan = true
kosten = 5000
paren = [["Noord", "Zuid"]]

[[regio]]
naam = "Noord"
aandeel = 0.25
aanbod = { alleen = 10, gezin = [5, 6, 7] }
achterstand = { alleen = 12 }
bestaand = { studio = 2 }
bezetting = { studio = 15 }

[[regio]]
naam = "Zuid"
aandeel = 0.75
aanbod = { alleen = 30, gezin = 20 }
max_modules = { huis = 3 }

[solver]
tijdslimiet_s = 5

[[gevoeligheid]]
parameter = "flextype.levertijd"
flextype = "studio"
waarden = [1, 4]

[[gevoeligheid]]
parameter = "kosten.wachten"
factoren = [0.5, 2]

[[gevoeligheid]]
parameter = "scenarios.instroom"
factoren = [1.5]

[[gevoeligheid]]
parameter = "flextype.openen"
waarden = [1500000]
"""


def _toml(tmp_path: Path, tekst: str = KLEIN, naam: str = "plan.toml") -> Path:
    pad = tmp_path / naam
    pad.write_text(tekst, encoding="utf-8")
    return pad


def _met(oud: str, nieuw: str) -> str:
    assert oud in KLEIN, oud
    return KLEIN.replace(oud, nieuw, 1)


def test_doctests() -> None:
    assert doctest.testmod(config_mod).failed == 0


# --------------------------------------------------------------------------- valid files


def test_klein_plan(tmp_path: Path) -> None:
    pad = _toml(tmp_path)
    c = lees_planconfig(pad)
    inst = c.instantie
    assert c.naam == "Proef" and c.pad == pad
    assert c.sha256 == hashlib.sha256(pad.read_bytes()).hexdigest()
    assert inst.perioden == ("2027-II", "2028-I", "2028-II") and inst.klassen == ("alleen", "gezin")
    assert [r.naam for r in inst.regios] == ["Noord", "Zuid"] and inst.doorstroom == 0.2
    assert inst.kosten.wachten == {"alleen": 1000.0, "gezin": 1000.0}
    assert inst.kosten.verdringing == 50 and inst.kosten.eind_achterstand == 0
    studio, huis = inst.flextypen
    assert (studio.levertijd, huis.levertijd, huis.minimale_looptijd) == (3, 2, 4)  # defaults
    assert inst.verplaatsing.mag("Noord", "Zuid") and inst.verplaatsing.mag("Zuid", "Noord")
    assert inst.regios[0].bestaand == {"studio": 2} and inst.regios[1].max_modules == {"huis": 3}
    assert c.solver.tijdslimiet_s == 5 and c.solver.gap_relatief == 1e-4
    assert c.beleid == BELEIDEN and c.sweep.workers == 0 and c.sweep.scheduler is None
    assert c.ruw["plan"]["naam"] == "Proef"
    # The scenarios are the generator's for the same settings.
    assert c.generatie is not None and c.scenariobestand is None
    g = c.generatie
    assert (g.aantal, g.seed, g.schokken.kans_korting) == (4, 1, 0.2)
    assert g.basis.aanbod[0, :, 1].tolist() == [5, 6, 7]
    opnieuw = genereer_scenarios(g.basis, g.schokken, g.aantal, g.seed)
    assert np.array_equal(inst.scenarios.instroom, opnieuw.instroom)


def test_sweep_en_beleid(tmp_path: Path) -> None:
    extra = '[sweep]\nworkers = 4\nscheduler = "tcp://rekenserver:8786"\n\n'
    extra += '[beleid]\nvergelijk = ["geen_flex", "gemiddeld"]\n\n[solver]'
    c = lees_planconfig(_toml(tmp_path, _met("[solver]", extra)))
    assert (c.sweep.workers, c.sweep.scheduler) == (4, "tcp://rekenserver:8786")
    assert c.beleid == ("geen_flex", "gemiddeld")


def test_geleverde_plan_toml() -> None:
    c = lees_planconfig(PLAN / "plan.toml")
    inst = c.instantie
    assert len(inst.regios) == 12 and len(inst.perioden) == 10 and inst.scenarios.n == 100
    assert inst.perioden[0] == "2027-I" and inst.perioden[-1] == "2031-II"
    assert np.allclose(inst.scenarios.kansen, 0.01)
    assert c.generatie is not None and c.generatie.seed == 2027
    assert inst.risico.maat == "verwachting" and c.solver.tijdslimiet_s == 60
    assert {f.naam for f in inst.flextypen} == {"studio", "gezinswoning"}
    assert inst.verplaatsing.toegestaan
    assert len(varianten(c)) == 4
    # The base path first peaks, then declines to about half (scaling up, then down):
    # singles' regular supply is short of their inflow at the start in every province and
    # exceeds it at the end.
    b = c.generatie.basis
    assert b.personen[0] < b.personen[1] and b.personen[-1] <= 0.55 * max(b.personen)
    begin = b.personen[0] * b.aandelen * b.samenstelling[0]
    eind = b.personen[-1] * b.aandelen * b.samenstelling[0]
    assert (b.aanbod[:, 0, 0] < begin).all() and (b.aanbod[:, -1, 0] > eind).all()


def test_geleverde_plan_csv_toml() -> None:
    c = lees_planconfig(PLAN / "plan-csv.toml")
    s = c.instantie.scenarios
    assert s.namen == ("laag", "midden", "hoog") and s.kansen.tolist() == [0.25, 0.5, 0.25]
    assert c.scenariobestand == PLAN / "scenarios-voorbeeld.csv" and c.generatie is None
    assert s.instroom.shape == (3, 12, 10, 3)
    # The same regions, horizon and modules as plan.toml.
    g = lees_planconfig(PLAN / "plan.toml").instantie
    assert s.regios == g.scenarios.regios and s.perioden == g.perioden
    assert c.instantie.flextypen == g.flextypen and c.instantie.regios == g.regios


@pytest.mark.skipif(not CBS.is_dir(), reason="CBS-gegevens (../shared/data/nl2024) ontbreken")
def test_aandelen_uit_cbs_bevolking() -> None:
    gpd = pytest.importorskip("geopandas")
    gpkg = CBS / "cbsgebiedsindelingen_2024.gpkg"
    gemeenten = gpd.read_file(gpkg, layer="gemeente_gegeneraliseerd")
    provincies = gpd.read_file(gpkg, layer="provincie_gegeneraliseerd")
    punten = gemeenten.set_geometry(gemeenten.representative_point())
    koppel = gpd.sjoin(punten, provincies[["statnaam", "geometry"]], predicate="within")
    inwoners = pd.read_csv(CBS / "cbs_inwoners_2024.csv")
    per = inwoners.merge(koppel, left_on="gemeente_code", right_on="statcode")
    aandeel = per.groupby("statnaam_right")["inwoners"].sum() / inwoners["inwoners"].sum()
    c = lees_planconfig(PLAN / "plan.toml")
    assert c.generatie is not None
    for naam, a in zip(c.generatie.basis.regios, c.generatie.basis.aandelen, strict=True):
        assert a == round(aandeel[naam], 3), naam


def test_csv_relatief_aan_de_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bron = lees_planconfig(_toml(tmp_path))
    map_ = tmp_path / "plannen"
    map_.mkdir()
    schrijf_scenarios(bron.instantie.scenarios, map_ / "eigen.csv")
    tekst = KLEIN.split("[scenarios]")[0] + '[scenarios]\nbestand = "eigen.csv"\n\n'
    tekst += "[kosten]" + KLEIN.split("[kosten]")[1]
    tekst = tekst.replace("aandeel = 0.25\n", "").replace("aandeel = 0.75\n", "")
    tekst = tekst.replace("aanbod = { alleen = 10, gezin = [5, 6, 7] }\n", "")
    tekst = tekst.replace("aanbod = { alleen = 30, gezin = 20 }\n", "")
    pad = _toml(map_, tekst)
    monkeypatch.chdir(tmp_path)  # the CSV resolves against the TOML, not the working folder
    c = lees_planconfig(Path("plannen") / "plan.toml")
    assert c.scenariobestand == Path("plannen") / "eigen.csv" and pad.exists()
    assert np.array_equal(c.instantie.scenarios.instroom, bron.instantie.scenarios.instroom)
    # A broken scenario CSV is reported with that file's name, row and column.
    (map_ / "eigen.csv").write_text((map_ / "eigen.csv").read_text().replace(",Zuid,", ",Oost,", 1))
    with pytest.raises(InvoerFout) as e:
        lees_planconfig(pad)
    assert e.value.bestand is not None and e.value.bestand.endswith("eigen.csv")
    assert e.value.kolom == "regio" and e.value.waarde == "Oost"


# --------------------------------------------------------------------------- errors

FOUTEN = [
    # (name, old, new, key in the error, fragment)
    ("onbekende sectie", "[solver]", "[oplosser]", "oplosser", "onbekende sectie"),
    ("tikfout in plan", "doorstroom = 0.2", "doorstoom = 0.2", "plan.doorstoom", "onbekende"),
    ("tikfout in regio", "achterstand = {", "achterstant = {", "regio[1].achterstant", "onbekende"),
    ("tikfout flextype", "levertijd = 3", "levertyd = 3", "flextype[1].levertyd", "onbekende"),
    (
        "tikfout schokken",
        "kans_korting = 0.2",
        "kans_kortin = 0.2",
        "scenarios.schokken.kans_kortin",
        "onbekende",
    ),
    (
        "tikfout instroom",
        "samenstelling =",
        "samensteling =",
        "scenarios.instroom.samensteling",
        "onbekende",
    ),
    ("tikfout solver", "tijdslimiet_s = 5", "tijdslimiet = 5", "solver.tijdslimiet", "onbekende"),
    (
        "onbekende klasse",
        "gezin = [5, 6, 7]",
        "groot = 5",
        "regio.Noord.aanbod.groot",
        "onbekende",
    ),
    (
        "plan ontbreekt",
        '[plan]\nnaam = "Proef"',
        '[planning]\nnaam = "Proef"',
        "planning",
        "onbekende sectie",
    ),
    ("periode", '"2027-II"', '"2027-3"', "plan.eerste_periode", "JJJJ-I"),
    ("perioden 0", "perioden = 3", "perioden = 0", "plan.perioden", ">= 1"),
    ("doorstroom > 1", "doorstroom = 0.2", "doorstroom = 1.5", "plan.doorstroom", "tussen 0 en 1"),
    (
        "lijst te kort",
        "[100, 120, 140]",
        "[100, 120]",
        "scenarios.instroom.personen_per_periode",
        "lijst van 3",
    ),
    (
        "samenstelling",
        "gezin = 0.4 }",
        "gezin = 0.3 }",
        "scenarios.instroom.samenstelling",
        "tellen op tot 0.9",
    ),
    ("aandelen", "aandeel = 0.75", "aandeel = 0.7", "regio.aandeel", "tellen op tot 0.95"),
    (
        "aanbod klasse",
        "aanbod = { alleen = 30, gezin = 20 }",
        "aanbod = { alleen = 30 }",
        "regio.Zuid.aanbod.gezin",
        "noem elke klasse",
    ),
    (
        "schok",
        "kans_korting = 0.2",
        "kans_korting = 2",
        "scenarios.schokken.kans_korting",
        "0 <= kans_korting <= 1",
    ),
    ("negatieve kosten", "verdringing = 50", "verdringing = -50", "kosten.verdringing", ">= 0"),
    (
        "levertijd geheel",
        "levertijd = 3",
        "levertijd = 2.5",
        "flextype.studio.levertijd",
        "geheel getal",
    ),
    ("plaatsen verplicht", "plaatsen = 4\n", "", "flextype.huis.plaatsen", "ontbreekt"),
    (
        "flexklasse",
        'klassen = ["gezin"]',
        'klassen = ["groot"]',
        "flextype.huis.klassen",
        "onbekende naam",
    ),
    (
        "onbekend flextype",
        "bestaand = { studio = 2 }",
        "bestaand = { stuido = 2 }",
        "regio.Noord.bestaand.stuido",
        "onbekend flextype",
    ),
    (
        "bezetting",
        "bezetting = { studio = 15 }",
        "bezetting = { studio = 25 }",
        "regio.Noord.bezetting.studio",
        "meer bewoners dan plaatsen",
    ),
    ("dubbele regio", 'naam = "Zuid"', 'naam = "Noord"', "regio[2].naam", "twee keer"),
    ("paren", '[["Noord", "Zuid"]]', '[["Noord", "Oost"]]', "verplaatsing.paren", "onbekende"),
    (
        "toegestaan",
        "toegestaan = true",
        'toegestaan = "ja"',
        "verplaatsing.toegestaan",
        "true of false",
    ),
    (
        "risico",
        "[solver]",
        '[risico]\nmaat = "gemiddeld"\n\n[solver]',
        "risico.maat",
        "verwachting, cvar",
    ),
    ("solver", "tijdslimiet_s = 5", "tijdslimiet_s = -5", "solver.tijdslimiet_s", ">= 0"),
    (
        "beleid",
        "[solver]",
        '[beleid]\nvergelijk = ["alles"]\n\n[solver]',
        "beleid.vergelijk",
        "geen_flex",
    ),
    (
        "gevoeligheid parameter",
        '"kosten.wachten"',
        '"kosten.wacht"',
        "gevoeligheid[2].parameter",
        "onbekende parameter",
    ),
    (
        "factoren en waarden",
        "factoren = [0.5, 2]",
        "factoren = [0.5]\nwaarden = [3]",
        "gevoeligheid[2]",
        "óf factoren",
    ),
    (
        "factor geen geheel getal",
        "waarden = [1, 4]",
        "factoren = [0.5]",
        "gevoeligheid[1]",
        "3 × 0,5 = 1,5 is geen geheel getal",
    ),
    (
        "variant ongeldig",
        "[[gevoeligheid]]",
        '[[gevoeligheid]]\nparameter = "doorstroom"\nfactoren = [10]\n\n[[gevoeligheid]]',
        "gevoeligheid[1]",
        "doorstroom × 10",
    ),
    (
        "wachten klasse",
        "wachten = 1000",
        "wachten = { alleen = 1000 }",
        "kosten.wachten.gezin",
        "noem elke klasse",
    ),
    ("seed", "seed = 1", "seed = -1", "scenarios.seed", ">= 0"),
    ("aantal ontbreekt", "aantal = 4\n", "", "scenarios.aantal", "ontbreekt"),
    (
        "csv en aantal",
        "aantal = 4",
        'bestand = "s.csv"\naantal = 4',
        "scenarios.aantal",
        "met 'bestand'",
    ),
]


@pytest.mark.parametrize(
    ("oud", "nieuw", "sleutel", "fragment"), [f[1:] for f in FOUTEN], ids=[f[0] for f in FOUTEN]
)
def test_foute_toml(tmp_path: Path, oud: str, nieuw: str, sleutel: str, fragment: str) -> None:
    pad = _toml(tmp_path, _met(oud, nieuw))
    with pytest.raises(ConfiguratieFout) as e:
        lees_planconfig(pad)
    tekst = str(e.value)
    assert e.value.bestand == str(pad) and f"bestand '{pad}'" in tekst, tekst
    assert e.value.kolom == sleutel, tekst
    assert fragment in tekst, tekst


def test_regio_als_enkele_tabel(tmp_path: Path) -> None:
    regio = '[regio]\nnaam = "Noord"\naandeel = 1.0\naanbod = { alleen = 1, gezin = 1 }\n\n'
    tekst = KLEIN.split("[[regio]]")[0] + regio + "[solver]" + KLEIN.split("[solver]")[1]
    with pytest.raises(ConfiguratieFout) as e:
        lees_planconfig(_toml(tmp_path, tekst))
    assert e.value.kolom == "regio" and "[[regio]]" in str(e.value)


def test_csv_modus_weigert_aandeel(tmp_path: Path) -> None:
    tekst = KLEIN.replace("aantal = 4\nseed = 1\n", 'bestand = "s.csv"\n')
    tekst = tekst.split("[scenarios.instroom]")[0] + "[kosten]" + tekst.split("[kosten]")[1]
    with pytest.raises(ConfiguratieFout) as e:
        lees_planconfig(_toml(tmp_path, tekst))
    assert e.value.kolom == "regio.Noord.aandeel" and "gegenereerde scenario's" in str(e.value)


@pytest.mark.parametrize(
    ("inhoud", "fragment"),
    [(b"[plan\n", "geen geldige TOML"), (b'[plan]\nnaam = "\xff"\n', "geen geldige TOML")],
)
def test_geen_toml(tmp_path: Path, inhoud: bytes, fragment: str) -> None:
    pad = tmp_path / "plan.toml"
    pad.write_bytes(inhoud)
    with pytest.raises(ConfiguratieFout, match=fragment):
        lees_planconfig(pad)
    with pytest.raises(ConfiguratieFout, match="bestaat niet"):
        lees_planconfig(tmp_path / "weg.toml")


# --------------------------------------------------------------------------- variants


def test_varianten_zonder_het_origineel_te_veranderen(tmp_path: Path) -> None:
    c = lees_planconfig(_toml(tmp_path))
    inst = c.instantie
    instroom = inst.scenarios.instroom.copy()
    vs = varianten(c)
    assert [v.naam for v in vs] == [
        "levertijd studio = 1",
        "levertijd studio = 4",
        "wachtkosten × 0,5",
        "wachtkosten × 2",
        "instroom × 1,5",
        "openingskosten (alle flextypen) = 1.500.000",
    ]
    assert [f.openen for f in vs[5].instantie.flextypen] == [1500000, 1500000]
    assert [f.levertijd for f in vs[0].instantie.flextypen] == [1, 2]  # only the studio
    assert isinstance(vs[1].instantie.flextypen[0].levertijd, int)
    assert vs[2].instantie.kosten.wachten == {"alleen": 500.0, "gezin": 500.0}
    assert (vs[2].parameter, vs[2].factor, vs[2].waarde) == ("kosten.wachten", 0.5, None)
    assert (vs[0].flextype, vs[0].waarde) == ("studio", 1)
    assert np.allclose(vs[4].instantie.scenarios.instroom, 1.5 * instroom)
    # Everything else is shared, and the original is untouched.
    assert vs[2].instantie.scenarios is inst.scenarios and vs[0].instantie.kosten is inst.kosten
    assert [f.levertijd for f in inst.flextypen] == [3, 2]
    assert inst.kosten.wachten == {"alleen": 1000.0, "gezin": 1000.0}
    assert np.array_equal(inst.scenarios.instroom, instroom)
    assert varianten(dataclasses.replace(c, gevoeligheid=())) == []


def test_seed_variant_trekt_andere_scenarios(tmp_path: Path) -> None:
    """A seed sweep: each value draws the same number of scenarios with its own seed."""
    c = lees_planconfig(_toml(tmp_path, KLEIN + SEEDVARIANT))
    vs = [v for v in varianten(c) if v.parameter == "scenarios.seed"]
    assert [v.naam for v in vs] == ["scenarioseed = 7", "scenarioseed = 8"]
    assert c.generatie is not None
    for v in vs:
        sc = v.instantie.scenarios
        assert sc.n == c.instantie.scenarios.n
        verwacht = genereer_scenarios(
            c.generatie.basis, c.generatie.schokken, sc.n, int(v.waarde or 0)
        )
        assert np.array_equal(sc.instroom, verwacht.instroom)
        assert not np.array_equal(sc.instroom, c.instantie.scenarios.instroom)
        assert v.instantie.flextypen is c.instantie.flextypen


def test_seed_variant_alleen_met_waarden(tmp_path: Path) -> None:
    tekst = KLEIN + SEEDVARIANT.replace("waarden = [7, 8]", "factoren = [2]")
    with pytest.raises(ConfiguratieFout, match="alleen waarden"):
        lees_planconfig(_toml(tmp_path, tekst))


SEEDVARIANT = """
[[gevoeligheid]]
parameter = "scenarios.seed"
waarden = [7, 8]
"""


def test_rollend_en_businesscase_sleutels(tmp_path: Path) -> None:
    """``rollend`` may be named in [beleid]; the business-case inputs are read."""
    tekst = _met("sluiten = 30000\n", "sluiten = 30000\nverkoopwaarde = 20000\n")
    tekst = tekst.replace("levertijd = 3\n", "levertijd = 3\nexploitatietermijn = 24\n", 1)
    tekst = tekst.replace("kosten = 5000\n", "kosten = 5000\nsubsidie = 1500\n", 1)
    tekst = tekst.replace(
        "[solver]", '[beleid]\nvergelijk = ["statisch", "rollend"]\n\n[solver]', 1
    )
    c = lees_planconfig(_toml(tmp_path, tekst))
    studio = c.instantie.flextypen[0]
    assert (studio.verkoopwaarde, studio.exploitatietermijn) == (20000, 24)
    assert studio.sluiten_netto == 10000
    assert c.instantie.flextypen[1].exploitatietermijn == 30  # the default (15 years)
    assert (c.instantie.verplaatsing.subsidie, c.instantie.verplaatsing.netto) == (1500, 3500)
    assert c.beleid == ("statisch", "rollend")
    assert BELEIDEN == ("gemiddeld", "geen_flex", "statisch", "perfecte_informatie")


@pytest.mark.parametrize(
    ("oud", "nieuw", "kolom"),
    [
        ("kosten = 5000\n", "kosten = 5000\nsubsidie = 7000\n", "verplaatsing.subsidie"),
        ("sluiten = 30000\n", "sluiten = 30000\nverkoopwaarde = 500000\n", "verkoopwaarde"),
        ("levertijd = 3\n", "levertijd = 3\nexploitatietermijn = 0\n", "exploitatietermijn"),
        ("[solver]", '[beleid]\nvergelijk = ["rolend"]\n\n[solver]', "beleid.vergelijk"),
    ],
)
def test_foute_rollend_en_businesscase_waarden(
    tmp_path: Path, oud: str, nieuw: str, kolom: str
) -> None:
    with pytest.raises(ConfiguratieFout) as e:
        lees_planconfig(_toml(tmp_path, _met(oud, nieuw)))
    assert kolom in str(e.value)


def test_gevoeligheid_van_subsidie_en_verkoopwaarde(tmp_path: Path) -> None:
    extra = (
        '[[gevoeligheid]]\nparameter = "verplaatsing.subsidie"\nwaarden = [2000]\n\n'
        '[[gevoeligheid]]\nparameter = "flextype.verkoopwaarde"\nflextype = "studio"\n'
        "waarden = [25000]\n\n[solver]"
    )
    c = lees_planconfig(_toml(tmp_path, _met("[solver]", extra)))
    paren = {v.naam: v.instantie for v in varianten(c)}
    sub = [i for n, i in paren.items() if n.startswith("subsidie herplaatsing")]
    verk = [i for n, i in paren.items() if n.startswith("verkoopwaarde")]
    assert [i.verplaatsing.netto for i in sub] == [3000]
    assert [i.flextypen[0].sluiten_netto for i in verk] == [5000]

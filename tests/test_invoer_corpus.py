"""A corpus of bad inputs (issue 17): one defect each, in every kind of input file.

Each case copies ``data/voorbeeld`` to ``tmp_path``, applies ONE defect and states
the expected outcome: an `InvoerFout` (a `ConfiguratieFout` for TOML) whose
message names the file and the column (or dotted TOML key), plus a Dutch
fragment. Most cases go through the Python reader (`laad_ronde`,
`lees_vorige_uitkomst`, `lees_planconfig`) for speed; `test_cli_weigert` runs a
few through the real CLI (``allocatie ronde`` / ``allocatie plan``: exit code 2).

The findings of issue 17 are marked in the case names: ``b2_*`` (a misspelled
or capitalised optional column used to be ignored, exit 0), ``b6_*`` (protected
attributes used to pass outside huishoudens.csv) and ``b7_*`` (a control
character, int64 overflow, an implausible count, unchecked code formats, an
oversized scenario set, an absurd restwaarde without its key).
"""

from __future__ import annotations

import csv
import doctest
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import allocatie.io.schema as schema_mod
from allocatie.invoer.laden import laad_ronde
from allocatie.invoer.vorige import lees_vorige_uitkomst
from allocatie.io.schema import (
    HUISHOUDEN_KOLOMMEN,
    TABELSCHEMA,
    beschermd_kenmerk,
    controleer_kolommen,
)
from allocatie.kern.errors import ConfiguratieFout, InvoerFout
from allocatie.planning.invoer.config import lees_planconfig
from allocatie.spatial.lidmaatschap import BASIS_KOLOMMEN

PROJECT = Path(__file__).resolve().parents[1]
VOORBEELD = PROJECT / "data" / "voorbeeld"
PLAN = PROJECT / "data" / "plan"


# --------------------------------------------------------------------------- editing a copy


class Ronde:
    """A copy of data/voorbeeld in a temporary folder, edited one defect at a time."""

    def __init__(self, map_: Path) -> None:
        self.map = map_
        shutil.copytree(VOORBEELD, map_)

    def lees(self, naam: str) -> tuple[list[str], list[list[str]]]:
        rijen = list(csv.reader(io.StringIO((self.map / naam).read_text(encoding="utf-8"))))
        return rijen[0], rijen[1:]

    def schrijf(self, naam: str, kop: list[str], rijen: list[list[str]]) -> None:
        uit = io.StringIO()
        csv.writer(uit, lineterminator="\n").writerows([kop, *rijen])
        (self.map / naam).write_text(uit.getvalue(), encoding="utf-8")

    def hernoem(self, naam: str, oud: str, nieuw: str) -> None:
        kop, rijen = self.lees(naam)
        self.schrijf(naam, [nieuw if k == oud else k for k in kop], rijen)

    def voeg_kolom_toe(self, naam: str, kolom: str, waarde: str = "x") -> None:
        kop, rijen = self.lees(naam)
        self.schrijf(naam, [*kop, kolom], [[*r, waarde] for r in rijen])

    def zet(self, naam: str, rij: int, kolom: str, waarde: str) -> None:
        """Set the cell at spreadsheet row ``rij`` (header = 1)."""
        kop, rijen = self.lees(naam)
        rijen[rij - 2][kop.index(kolom)] = waarde
        self.schrijf(naam, kop, rijen)

    def gemeente(self, rij: int, kolom: str, waarde: object) -> None:
        """Set a property of the gemeenten GeoJSON (``rij`` as a spreadsheet counts)."""
        pad = self.map / "gemeenten.geojson"
        data = json.loads(pad.read_text(encoding="utf-8"))
        data["features"][rij - 2]["properties"][kolom] = waarde
        pad.write_text(json.dumps(data), encoding="utf-8")

    def hernoem_gemeentekolom(self, oud: str, nieuw: str) -> None:
        pad = self.map / "gemeenten.geojson"
        data = json.loads(pad.read_text(encoding="utf-8"))
        for f in data["features"]:
            f["properties"][nieuw] = f["properties"].pop(oud)
        pad.write_text(json.dumps(data), encoding="utf-8")

    def toml(self, oud: str, nieuw: str) -> None:
        pad = self.map / "ronde.toml"
        tekst = pad.read_text(encoding="utf-8")
        assert oud in tekst, oud
        pad.write_text(tekst.replace(oud, nieuw, 1), encoding="utf-8")

    def extra_tabel(self, tabel: str, tekst: str) -> None:
        (self.map / f"{tabel}.csv").write_text(tekst, encoding="utf-8")
        self.toml("[bestanden]\n", f'[bestanden]\n{tabel} = "{tabel}.csv"\n')


def _hh(r: Ronde) -> list[str]:
    return [rij[0] for rij in r.lees("huishoudens.csv")[1]]


@dataclass(frozen=True)
class Geval:
    """One defect and what the reader must say about it."""

    defect: Callable[[Ronde], None]
    bestand: str
    kolom: str
    fragment: str
    rij: int | None = 1


def _vastlegging(kolom: str = "toelichting") -> Callable[[Ronde], None]:
    def defect(r: Ronde) -> None:
        r.extra_tabel("vastleggingen", f"huishouden_id,soort,{kolom}\n{_hh(r)[0]},verbod,x\n")

    return defect


def _regiocapaciteit(tekst: str) -> Callable[[Ronde], None]:
    return lambda r: r.extra_tabel("regiocapaciteit", tekst)


def _reistijden(kop: str, minuten: str = "10") -> Callable[[Ronde], None]:
    def defect(r: Ronde) -> None:
        codes = [f"GM{9001 + i}" for i in range(12)]
        regels = [f"{a},{b},{minuten}" for a in codes for b in codes]
        r.extra_tabel("reistijden", kop + "\n" + "\n".join(regels) + "\n")

    return defect


GEVALLEN: dict[str, Geval] = {
    # --- finding 2: misspelled or capitalised optional columns --------------------------
    "b2_max_aandeel_vg": Geval(
        lambda r: r.hernoem("flexlocaties.csv", "max_aandeel_vh", "max_aandeel_vg"),
        "flexlocaties.csv",
        "max_aandeel_vg",
        "onbekende kolom `max_aandeel_vg` in flexlocaties.csv; bedoelde u `max_aandeel_vh`?",
    ),
    "b2_achterstnd": Geval(
        lambda r: r.hernoem("taakstelling.csv", "achterstand", "achterstnd"),
        "taakstelling.csv",
        "achterstnd",
        "bedoelde u `achterstand`?",
    ),
    "b2_Gerealiseerd": Geval(
        lambda r: r.hernoem("taakstelling.csv", "gerealiseerd", "Gerealiseerd"),
        "taakstelling.csv",
        "Gerealiseerd",
        "bedoelde u `gerealiseerd`? (hoofdletters tellen mee)",
    ),
    "b2_max_per_wonig": Geval(
        lambda r: r.hernoem("woningaanbod.csv", "max_per_woning", "max_per_wonig"),
        "woningaanbod.csv",
        "max_per_wonig",
        "bedoelde u `max_per_woning`?",
    ),
    # --- more unknown columns, every table ----------------------------------------------
    "voorprong": Geval(
        lambda r: r.hernoem("taakstelling.csv", "voorsprong", "voorprong"),
        "taakstelling.csv",
        "voorprong",
        "bedoelde u `voorsprong`?",
    ),
    "Woningen_hoofdletter": Geval(
        lambda r: r.hernoem("woningaanbod.csv", "woningen", "Woningen"),
        "woningaanbod.csv",
        "Woningen",
        "bedoelde u `woningen`?",
    ),
    "beschikbaar_to": Geval(
        lambda r: r.hernoem("flexlocaties.csv", "beschikbaar_tot", "beschikbaar_to"),
        "flexlocaties.csv",
        "beschikbaar_to",
        "bedoelde u `beschikbaar_tot`?",
    ),
    "max_per_eenheid_spatie": Geval(
        lambda r: r.hernoem("flexlocaties.csv", "max_per_eenheid", "max per eenheid"),
        "flexlocaties.csv",
        "max per eenheid",
        "bedoelde u `max_per_eenheid`?",
    ),
    "nareizger": Geval(
        lambda r: r.hernoem("huishoudens.csv", "nareizigers", "nareizger"),
        "huishoudens.csv",
        "nareizger",
        "bedoelde u `nareizigers`?",
    ),
    "opmerking_in_huishoudens": Geval(
        lambda r: r.voeg_kolom_toe("huishoudens.csv", "opmerking"),
        "huishoudens.csv",
        "opmerking",
        "dataminimalisatie",
    ),
    "Inwoners_in_gemeenten": Geval(
        lambda r: r.hernoem_gemeentekolom("inwoners", "Inwoners"),
        "gemeenten.geojson",
        "Inwoners",
        "bedoelde u `inwoners`?",
    ),
    "onbekend_in_gemeenten": Geval(
        lambda r: r.gemeente(2, "postcode", "1234AB"),
        "gemeenten.geojson",
        "postcode",
        "onbekende kolom `postcode` in gemeenten.geojson",
    ),
    "toelichtng_in_vastleggingen": Geval(
        _vastlegging("toelichtng"),
        "vastleggingen.csv",
        "toelichtng",
        "bedoelde u `toelichting`?",
    ),
    "max_persoon_in_regiocapaciteit": Geval(
        _regiocapaciteit("regio_soort,regio_code,max_persoon\nprovincie,PV99,10\n"),
        "regiocapaciteit.csv",
        "max_persoon",
        "bedoelde u `max_personen`?",
    ),
    "Modus_in_reistijden": Geval(
        _reistijden("van,naar,Minuten"),
        "reistijden.csv",
        "Minuten",
        "bedoelde u `minuten`?",
    ),
    # --- finding 6: protected attributes in every table ---------------------------------
    "b6_doelgroep_religie": Geval(
        lambda r: r.voeg_kolom_toe("flexlocaties.csv", "doelgroep_religie"),
        "flexlocaties.csv",
        "doelgroep_religie",
        "beschermd kenmerk (religie)",
    ),
    "b6_voorkeur_nationaliteit": Geval(
        lambda r: r.voeg_kolom_toe("woningaanbod.csv", "voorkeur_nationaliteit"),
        "woningaanbod.csv",
        "voorkeur_nationaliteit",
        "beschermd kenmerk (nationaliteit)",
    ),
    "b6_geboorte_land_vastleggingen": Geval(
        _vastlegging("geboorte_land"),
        "vastleggingen.csv",
        "geboorte_land",
        "beschermd kenmerk (geboorteland)",
    ),
    "ethnicGroup_camelcase": Geval(
        lambda r: r.voeg_kolom_toe("flexlocaties.csv", "ethnicGroup"),
        "flexlocaties.csv",
        "ethnicGroup",
        "beschermd kenmerk (etniciteit)",
    ),
    "Geslacht_huishoudens": Geval(
        lambda r: r.voeg_kolom_toe("huishoudens.csv", "Geslacht", "v"),
        "huishoudens.csv",
        "Geslacht",
        "beschermd kenmerk (geslacht)",
    ),
    "country_of_birth_huishoudens": Geval(
        lambda r: r.voeg_kolom_toe("huishoudens.csv", "country-of-birth", "SY"),
        "huishoudens.csv",
        "country-of-birth",
        "beschermd kenmerk (geboorteland)",
    ),
    "notitie_herkomst_taakstelling": Geval(
        lambda r: r.voeg_kolom_toe("taakstelling.csv", "notitie_herkomst"),
        "taakstelling.csv",
        "notitie_herkomst",
        "beschermd kenmerk (herkomst)",
    ),
    "nationality_gemeenten": Geval(
        lambda r: r.gemeente(2, "NationalityShare", 0.1),
        "gemeenten.geojson",
        "NationalityShare",
        "beschermd kenmerk (nationaliteit)",
    ),
    "sex_regiocapaciteit": Geval(
        _regiocapaciteit("regio_soort,regio_code,max_personen,sex\nprovincie,PV99,10,m\n"),
        "regiocapaciteit.csv",
        "sex",
        "beschermd kenmerk (geslacht)",
    ),
    # --- finding 7: control and invisible characters in ids and codes --------------------
    "b7_id_met_stuurteken": Geval(
        lambda r: r.zet("huishoudens.csv", 3, "huishouden_id", _hh(r)[0] + "\x07"),
        "huishoudens.csv",
        "huishouden_id",
        "U+0007",
        3,
    ),
    "id_met_zero_width": Geval(
        lambda r: r.zet("huishoudens.csv", 3, "huishouden_id", _hh(r)[0] + "\u200b"),
        "huishoudens.csv",
        "huishouden_id",
        "U+200B (ZERO WIDTH SPACE)",
        3,
    ),
    "aanbod_id_met_bidi": Geval(
        lambda r: r.zet("woningaanbod.csv", 2, "aanbod_id", "W-\u202e1-MG"),
        "woningaanbod.csv",
        "aanbod_id",
        "U+202E (RIGHT-TO-LEFT OVERRIDE)",
        2,
    ),
    "aanbod_id_met_nbsp": Geval(
        lambda r: r.zet("flexlocaties.csv", 2, "aanbod_id", "F\u00a0001"),
        "flexlocaties.csv",
        "aanbod_id",
        "U+00A0 (NO-BREAK SPACE)",
        2,
    ),
    "gemeentecode_met_tab": Geval(
        lambda r: r.zet("taakstelling.csv", 2, "gemeente_code", "GM90\t01"),
        "taakstelling.csv",
        "gemeente_code",
        "U+0009",
        2,
    ),
    "coa_regio_met_bidi": Geval(
        lambda r: r.gemeente(3, "coa_regio", "Noord\u2066"),
        "gemeenten.geojson",
        "coa_regio",
        "U+2066",
        3,
    ),
    "naam_met_stuurteken": Geval(
        lambda r: r.zet("flexlocaties.csv", 2, "naam", "Tijdelijk\x1bwonen"),
        "flexlocaties.csv",
        "naam",
        "U+001B",
        2,
    ),
    # --- finding 7: numbers within stated bounds -----------------------------------------
    "b7_woningen_int64": Geval(
        lambda r: r.zet("woningaanbod.csv", 2, "woningen", "9223372036854775807"),
        "woningaanbod.csv",
        "woningen",
        "getal te groot; verwacht hoogstens 1.000.000",
        2,
    ),
    "b7_taakstelling_1e17": Geval(
        lambda r: r.zet("taakstelling.csv", 2, "taakstelling", "100000000000000001"),
        "taakstelling.csv",
        "taakstelling",
        "getal te groot",
        2,
    ),
    "achterstand_te_groot": Geval(
        lambda r: r.zet("taakstelling.csv", 3, "achterstand", "1000001"),
        "taakstelling.csv",
        "achterstand",
        "hoogstens 1.000.000",
        3,
    ),
    "inwoners_boven_20_miljoen": Geval(
        lambda r: r.gemeente(2, "inwoners", 20_000_001),
        "gemeenten.geojson",
        "inwoners",
        "hoogstens 20.000.000",
        2,
    ),
    "personen_31": Geval(
        lambda r: r.zet("huishoudens.csv", 2, "personen", "31"),
        "huishoudens.csv",
        "personen",
        "hoogstens 30",
        2,
    ),
    "nareizigers_99": Geval(
        lambda r: r.zet("huishoudens.csv", 4, "nareizigers", "99"),
        "huishoudens.csv",
        "nareizigers",
        "hoogstens 30",
        4,
    ),
    "capaciteit_personen_te_groot": Geval(
        lambda r: r.zet("flexlocaties.csv", 2, "capaciteit_personen", "99999999999"),
        "flexlocaties.csv",
        "capaciteit_personen",
        "getal te groot",
        2,
    ),
    "eenheden_te_groot": Geval(
        lambda r: r.zet("flexlocaties.csv", 2, "eenheden", "2000000"),
        "flexlocaties.csv",
        "eenheden",
        "getal te groot",
        2,
    ),
    "max_per_woning_101": Geval(
        lambda r: r.zet("woningaanbod.csv", 2, "max_per_woning", "101"),
        "woningaanbod.csv",
        "max_per_woning",
        "hoogstens 100",
        2,
    ),
    "reistijd_boven_een_week": Geval(
        _reistijden("van,naar,minuten", "99999"),
        "reistijden.csv",
        "minuten",
        "<= 10000",
        2,
    ),
    # --- finding 7: code formats ---------------------------------------------------------
    "b7_provincie_code_formaat": Geval(
        lambda r: r.gemeente(2, "provincie_code", "P99"),
        "gemeenten.geojson",
        "provincie_code",
        "verwacht 'PV' gevolgd door 2 cijfers",
        2,
    ),
    "b7_arbeidsmarktregio_code_formaat": Geval(
        lambda r: r.gemeente(4, "arbeidsmarktregio_code", "AR12"),
        "gemeenten.geojson",
        "arbeidsmarktregio_code",
        "verwacht 'AM' gevolgd door 2 cijfers",
        4,
    ),
}


@pytest.mark.parametrize("naam", list(GEVALLEN))
def test_ronde_weigert(tmp_path: Path, naam: str) -> None:
    geval = GEVALLEN[naam]
    ronde = Ronde(tmp_path / "ronde")
    geval.defect(ronde)
    with pytest.raises(InvoerFout) as e:
        laad_ronde(ronde.map)
    fout = e.value
    assert fout.bestand is not None and Path(fout.bestand).name == geval.bestand, str(fout)
    assert fout.kolom == geval.kolom, str(fout)
    assert fout.rij == geval.rij, str(fout)
    assert geval.fragment in str(fout), str(fout)
    assert f"kolom '{geval.kolom}'" in str(fout)


# --------------------------------------------------------------------------- ronde.toml, presets

TOML_GEVALLEN: dict[str, tuple[str, str, str, str]] = {
    # name: (old text, new text, dotted key, fragment)
    "Periode_hoofdletter": (
        'periode = "2025-I"',
        'periode = "2025-I"\nPeriode = "2025-I"',
        "ronde.Periode",
        "bedoelde u `periode`? (hoofdletters tellen mee)",
    ),
    "tijdlimiet_s": (
        "tijdslimiet_s = 60",
        "tijdlimiet_s = 60",
        "solver.tijdlimiet_s",
        "bedoelde u `tijdslimiet_s`?",
    ),
    "flexlocatie_zonder_s": (
        "flexlocaties = ",
        "flexlocatie = ",
        "bestanden.flexlocatie",
        "bedoelde u `flexlocaties`?",
    ),
    "beschermde_sleutel": (
        "[solver]",
        '[ronde.voorkeur]\nreligie = "x"\n\n[solver]',
        "ronde.voorkeur.religie",
        "beschermd kenmerk (religie)",
    ),
}


@pytest.mark.parametrize("naam", list(TOML_GEVALLEN))
def test_rondetoml_weigert(tmp_path: Path, naam: str) -> None:
    oud, nieuw, sleutel, fragment = TOML_GEVALLEN[naam]
    ronde = Ronde(tmp_path / "ronde")
    ronde.toml(oud, nieuw)
    with pytest.raises(ConfiguratieFout) as e:
        laad_ronde(ronde.map)
    assert e.value.bestand is not None and e.value.bestand.endswith("ronde.toml"), str(e.value)
    assert e.value.kolom == sleutel, str(e.value)
    assert fragment in str(e.value), str(e.value)


PRESET_GEVALLEN: dict[str, tuple[str, str, str, str]] = {
    "per_minuut_wrek": (
        "per_minuut_werk",
        "per_minuut_wrek",
        "kosten.per_minuut_wrek",
        "bedoelde u `per_minuut_werk`?",
    ),
    "beschermde_groep_in_limieten": (
        "[kosten]",
        "[limieten.nationaliteit]\nwerk_min = 10\n\n[kosten]",
        "limieten.nationaliteit",
        "beschermd kenmerk (nationaliteit)",
    ),
}


@pytest.mark.parametrize("naam", list(PRESET_GEVALLEN))
def test_preset_weigert(tmp_path: Path, naam: str) -> None:
    oud, nieuw, sleutel, fragment = PRESET_GEVALLEN[naam]
    ronde = Ronde(tmp_path / "ronde")
    tekst = (PROJECT / "models" / "standaard.toml").read_text(encoding="utf-8")
    assert oud in tekst
    (ronde.map / "eigen.toml").write_text(tekst.replace(oud, nieuw, 1), encoding="utf-8")
    ronde.toml('model = "standaard"', 'model = "eigen.toml"')
    with pytest.raises(ConfiguratieFout) as e:
        laad_ronde(ronde.map)
    assert e.value.bestand is not None and e.value.bestand.endswith("eigen.toml"), str(e.value)
    assert e.value.kolom == sleutel, str(e.value)
    assert fragment in str(e.value), str(e.value)


# --------------------------------------------------------------------------- --vorige-uitkomst

VORIGE_GEVALLEN: dict[str, tuple[str, str, str, int]] = {
    # name: (CSV text, column, fragment, row)
    "b6_nationaliteit": (
        "huishouden_id,aanbod_id,nationaliteit\nHH-1,W-1,SY\n",
        "nationaliteit",
        "beschermd kenmerk (nationaliteit)",
        1,
    ),
    "b6_religie": (
        "huishouden_id,aanbod_id,gemeente_code,religie\nHH-1,W-1,GM9001,x\n",
        "religie",
        "beschermd kenmerk (religie)",
        1,
    ),
    "aanbod-id_met_streepje": (
        "huishouden_id,aanbod-id\nHH-1,W-1\n",
        "aanbod-id",
        "bedoelde u `aanbod_id`?",
        1,
    ),
    "id_met_stuurteken": (
        "huishouden_id,aanbod_id\nHH-1\x08,W-1\n",
        "huishouden_id",
        "U+0008",
        2,
    ),
}


@pytest.mark.parametrize("naam", list(VORIGE_GEVALLEN))
def test_vorige_uitkomst_weigert(tmp_path: Path, naam: str) -> None:
    tekst, kolom, fragment, rij = VORIGE_GEVALLEN[naam]
    pad = tmp_path / "vorige.csv"
    pad.write_text(tekst, encoding="utf-8")
    with pytest.raises(InvoerFout) as e:
        lees_vorige_uitkomst(pad)
    assert e.value.bestand is not None and e.value.bestand.endswith("vorige.csv"), str(e.value)
    assert (e.value.kolom, e.value.rij) == (kolom, rij), str(e.value)
    assert fragment in str(e.value), str(e.value)


# --------------------------------------------------------------------------- plan.toml, scenarios


def _plan(tmp_path: Path, oud: str, nieuw: str, naam: str = "plan.toml") -> Path:
    for p in PLAN.iterdir():
        shutil.copy(p, tmp_path / p.name)
    pad = tmp_path / naam
    tekst = pad.read_text(encoding="utf-8")
    assert oud in tekst, oud
    pad.write_text(tekst.replace(oud, nieuw, 1), encoding="utf-8")
    return pad


PLAN_GEVALLEN: dict[str, tuple[str, str, str, str]] = {
    "b7_scenarios_tien_miljoen": (
        "aantal = 100 ",
        "aantal = 10000000 ",
        "scenarios.aantal",
        "10.000.000 scenario's × 10 perioden × 12 regio's × 3 klassen = 3.600.000.000",
    ),
    "b7_restwaarde_boven_openen": (
        "restwaarde = 1000000",
        "restwaarde = 5000000",
        "flextype.studio.restwaarde",
        "restwaarde is hoger dan de kosten van openen",
    ),
    "b7_restwaarde_absurd": (
        "restwaarde = 1000000",
        "restwaarde = 1e30",
        "flextype.studio.restwaarde",
        "<= 1e+12",
    ),
    "perioden_1000": ("perioden = 10", "perioden = 1000", "plan.perioden", "hoogstens 100"),
    "verdringng": (
        "verdringing = ",
        "verdringng = ",
        "kosten.verdringng",
        "bedoelde u `verdringing`?",
    ),
    "beschermde_klasse": (
        "[kosten]",
        "[risico.geslacht]\n\n[kosten]",
        "risico.geslacht",
        "beschermd kenmerk (geslacht)",
    ),
}


@pytest.mark.parametrize("naam", list(PLAN_GEVALLEN))
def test_plan_weigert(tmp_path: Path, naam: str) -> None:
    oud, nieuw, sleutel, fragment = PLAN_GEVALLEN[naam]
    pad = _plan(tmp_path, oud, nieuw)
    with pytest.raises(ConfiguratieFout) as e:
        lees_planconfig(pad)
    assert e.value.bestand is not None and e.value.bestand.endswith("plan.toml"), str(e.value)
    assert e.value.kolom == sleutel, str(e.value)
    assert fragment in str(e.value), str(e.value)


@pytest.mark.parametrize(
    ("oud", "nieuw", "kolom", "fragment"),
    [
        ("scenario,kans", "scenario,Kans", "Kans", "bedoelde u `kans`?"),
        ("scenario,kans", "scenario,nationaliteit", "nationaliteit", "beschermd kenmerk"),
    ],
)
def test_scenariobestand_weigert(
    tmp_path: Path, oud: str, nieuw: str, kolom: str, fragment: str
) -> None:
    _plan(tmp_path, oud, nieuw, naam="scenarios-voorbeeld.csv")
    with pytest.raises(InvoerFout) as e:
        lees_planconfig(tmp_path / "plan-csv.toml")
    assert e.value.bestand is not None
    assert e.value.bestand.endswith("scenarios-voorbeeld.csv"), str(e.value)
    assert (e.value.kolom, e.value.rij) == (kolom, 1), str(e.value)
    assert fragment in str(e.value), str(e.value)


# --------------------------------------------------------------------------- the real CLI


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("allocatie")), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PROJECT,
    )


@pytest.mark.parametrize("naam", ["b2_max_aandeel_vg", "b6_doelgroep_religie", "b7_woningen_int64"])
def test_cli_weigert(tmp_path: Path, naam: str) -> None:
    """``allocatie ronde`` stops with exit code 2, naming file and column, writing nothing."""
    geval = GEVALLEN[naam]
    ronde = Ronde(tmp_path / "ronde")
    geval.defect(ronde)
    uit = tmp_path / "uit"
    proces = _cli("ronde", str(ronde.map), "--uitvoer", str(uit))
    assert proces.returncode == 2, proces.stdout + proces.stderr
    assert geval.bestand in proces.stderr and f"kolom '{geval.kolom}'" in proces.stderr
    assert not uit.exists()


def test_cli_plan_weigert_te_veel_scenarios(tmp_path: Path) -> None:
    oud, nieuw, sleutel, _ = PLAN_GEVALLEN["b7_scenarios_tien_miljoen"]
    pad = _plan(tmp_path, oud, nieuw)
    proces = _cli("plan", str(pad), "--uitvoer", str(tmp_path / "uit"))
    assert proces.returncode == 2, proces.stdout + proces.stderr
    assert f"kolom '{sleutel}'" in proces.stderr and "3.600.000.000" in proces.stderr


# --------------------------------------------------------------------------- what stays accepted


def test_voorbeeld_en_vrije_kolommen_worden_gelezen(tmp_path: Path) -> None:
    """data/voorbeeld reads; note columns (opmerking, notitie_*) are accepted and not read."""
    ronde = Ronde(tmp_path / "ronde")
    basis = laad_ronde(ronde.map)
    ronde.voeg_kolom_toe("woningaanbod.csv", "opmerking", "nog bevestigen")
    ronde.voeg_kolom_toe("flexlocaties.csv", "notitie_bron", "raadsbesluit")
    ronde.voeg_kolom_toe("taakstelling.csv", "opmerking_2", "")
    inst = laad_ronde(ronde.map)
    pd.testing.assert_frame_equal(inst.opties, basis.opties)
    pd.testing.assert_frame_equal(inst.gemeenten, basis.gemeenten)


def test_archieflaag_als_taakstelling_en_basistabel_blijven_geldig() -> None:
    """Columns allocatie writes itself (archive layer, ``allocatie basis``) are accepted."""
    gem = pd.DataFrame(columns=[*BASIS_KOLOMMEN, "taakstelling", "achterstand"])
    controleer_kolommen(gem, "gemeenten", "basis.gpkg")
    controleer_kolommen(gem, "taakstelling", "ronde.gpkg:invoer_gemeenten")
    controleer_kolommen(pd.DataFrame(columns=list(HUISHOUDEN_KOLOMMEN)), "huishoudens", "h")
    pl = pd.DataFrame(
        columns=["huishouden_id", "personen", "aanbod_id", "kosten_werk", "reistijd_werk_min"]
    )
    controleer_kolommen(pl, "plaatsingen", "plaatsingen.csv")


def test_geen_schemakolom_is_beschermd() -> None:
    for tabel, schema in TABELSCHEMA.items():
        for kolom in (*schema.kolommen, *schema.ook):
            assert beschermd_kenmerk(kolom) is None, (tabel, kolom)


@pytest.mark.parametrize(
    ("naam", "kenmerk"),
    [
        ("Nationaliteit", "nationaliteit"),
        ("NATIONALITY_CODE", "nationaliteit"),
        ("voorkeurNationaliteit", "nationaliteit"),
        ("geboorte land", "geboorteland"),
        ("GeboorteLand", "geboorteland"),
        ("land_van_herkomst", "herkomst"),
        ("migratieachtergrond", "herkomst"),
        ("etnische_groep", "etniciteit"),
        ("Religion", "religie"),
        ("geloofsovertuiging", "religie"),
        ("gender", "geslacht"),
        ("SEX", "geslacht"),
        ("sekse", "geslacht"),
    ],
)
def test_beschermd_kenmerk_varianten(naam: str, kenmerk: str) -> None:
    assert beschermd_kenmerk(naam) == kenmerk


@pytest.mark.parametrize("naam", ["essex", "gemeente_code", "sextant", "reistijd_werk_min"])
def test_geen_vals_alarm(naam: str) -> None:
    assert beschermd_kenmerk(naam) is None


def test_doctests() -> None:
    assert doctest.testmod(schema_mod, optionflags=doctest.ELLIPSIS).failed == 0

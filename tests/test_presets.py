"""Tests for allocatie.ronde.presets: the shipped presets load, and loading is strict."""

from __future__ import annotations

import doctest
import math
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

import allocatie.ronde.presets as presets_mod
from allocatie.kern.errors import ConfiguratieFout
from allocatie.ronde.presets import (
    DOELNIVEAUS,
    MODELS_MAP,
    ModelPreset,
    beschikbare_presets,
    laad_preset,
    preset_uit_dict,
)

STANDAARD = (MODELS_MAP / "standaard.toml").read_text(encoding="utf-8")
STANDAARD_VOLGORDE = (
    'volgorde = ["onbediend", "stabiliteit", "tekort", "eerlijkheid", "overvulling", "kosten"]'
)


def _schrijf(map_: Path, tekst: str, naam: str = "mijn.toml") -> Path:
    pad = map_ / naam
    pad.parent.mkdir(parents=True, exist_ok=True)
    pad.write_text(tekst, encoding="utf-8")
    return pad


def _variant(oud: str, nieuw: str) -> str:
    """The standard preset with exactly one line changed."""
    assert STANDAARD.count(oud) == 1, oud
    return STANDAARD.replace(oud, nieuw)


def test_doctests() -> None:
    assert doctest.testmod(presets_mod).failed == 0


@pytest.mark.parametrize("naam", ["standaard", "werk-eerst"])
def test_meegeleverde_presets_laden(naam: str) -> None:
    p = laad_preset(naam)
    assert isinstance(p, ModelPreset)
    assert p.naam == naam
    assert p.beschrijving and p.beschrijving == p.beschrijving.strip()
    assert Path(p.bron) == MODELS_MAP / f"{naam}.toml"
    assert sorted(p.doel.volgorde) == sorted(DOELNIVEAUS)
    assert isinstance(p.doel.volgorde, tuple)
    for veld in ("werk", "studie", "familie", "zorg", "beschikbaarheid"):
        assert getattr(p.criteria, veld) is True
    assert type(p.limieten.termijn_weken) is int and p.limieten.termijn_weken == 14
    for waarde in (p.limieten.werk_min, p.kosten.per_minuut_werk, p.doel.tolerantie_relatief):
        assert type(waarde) is float and math.isfinite(waarde) and waarde >= 0
    # Loading by path gives the same preset as loading by name.
    assert laad_preset(MODELS_MAP / f"{naam}.toml") == p


def test_inhoud_meegeleverde_presets() -> None:
    standaard, werk = laad_preset("standaard"), laad_preset("werk-eerst")
    assert standaard.doel.volgorde == DOELNIVEAUS
    assert werk.doel.volgorde == (
        "onbediend",
        "stabiliteit",
        "kosten",
        "tekort",
        "eerlijkheid",
        "overvulling",
    )
    # Stability right after placing people: a re-run never gives up placing people, and
    # never reshuffles for the distribution, fairness or cost levels (models/README.md).
    for p in (standaard, werk):
        assert p.doel.volgorde.index("stabiliteit") == p.doel.volgorde.index("onbediend") + 1
        assert p.criteria.coa_regio is False
    assert (standaard.limieten.werk_min, werk.limieten.werk_min) == (60.0, 45.0)
    assert (standaard.kosten.per_minuut_werk, werk.kosten.per_minuut_werk) == (0.5, 2.5)
    assert (standaard.reistijd.standaard_vervoer, werk.reistijd.standaard_vervoer) == ("ov", "ov")
    assert standaard.limieten.familie_min == 0.0


def test_beschikbare_presets() -> None:
    assert {"standaard", "werk-eerst"} <= set(beschikbare_presets())


def test_onbekende_presetnaam() -> None:
    with pytest.raises(ConfiguratieFout) as e:
        laad_preset("bestaat-niet")
    assert (e.value.kolom, e.value.waarde) == ("model", "bestaat-niet")
    assert "onbekende modelpreset; beschikbaar: " in str(e.value)
    assert "standaard" in str(e.value) and "werk-eerst" in str(e.value)


def test_preset_als_relatief_pad_tegen_basis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ronde = tmp_path / "ronde"
    _schrijf(ronde, _variant('naam = "standaard"', 'naam = "eigen"'), "presets/eigen.toml")
    monkeypatch.chdir(tmp_path)  # the working directory must not matter
    p = laad_preset("presets/eigen.toml", basis=ronde)
    assert p.naam == "eigen"
    assert Path(p.bron) == ronde / "presets" / "eigen.toml"
    # An absolute path ignores the basis.
    assert laad_preset(ronde / "presets" / "eigen.toml", basis=tmp_path / "elders").naam == "eigen"
    # Without a basis a relative path is relative to the working directory.
    assert laad_preset("ronde/presets/eigen.toml").naam == "eigen"
    with pytest.raises(ConfiguratieFout) as e:
        laad_preset("presets/eigen.toml", basis=tmp_path)
    assert e.value.bestand == str(tmp_path / "presets" / "eigen.toml")
    assert "presetbestand bestaat niet" in str(e.value)


def test_gehele_en_reele_getallen_worden_omgezet(tmp_path: Path) -> None:
    tekst = _variant("termijn_weken = 14 ", "termijn_weken = 14.0 ")
    tekst = tekst.replace("werk_min = 60.0", "werk_min = 60")
    p = laad_preset(_schrijf(tmp_path, tekst))
    assert type(p.limieten.termijn_weken) is int and p.limieten.termijn_weken == 14
    assert type(p.limieten.werk_min) is float and p.limieten.werk_min == 60.0


def test_coa_regio_optioneel_en_hard(tmp_path: Path) -> None:
    """``[criteria] coa_regio`` may be omitted (older copies of a preset): then it is off."""
    zonder = _variant("coa_regio = false ", "# coa_regio weg ")
    assert "coa_regio =" not in zonder
    assert laad_preset(_schrijf(tmp_path, zonder)).criteria.coa_regio is False
    aan = laad_preset(_schrijf(tmp_path, _variant("coa_regio = false ", "coa_regio = true ")))
    assert aan.criteria.coa_regio is True


def test_preset_uit_dict() -> None:
    data = tomllib.loads(STANDAARD)
    assert preset_uit_dict(data, bron="x") == replace(laad_preset("standaard"), bron="x")
    data["doel"]["volgorde"] = ["tekort", "onbediend"]
    p = preset_uit_dict(data)
    assert p.doel.volgorde == ("tekort", "onbediend") and p.bron == "<dict>"


FOUTEN = {
    "onbekende_sleutel_bovenaan": (
        _variant('naam = "standaard"', 'naam = "standaard"\nversie = 2'),
        "versie",
        None,
        "onbekende sleutel; geldig zijn:",
    ),
    "onbekende_sectie": (
        STANDAARD + "\n[extra]\na = 1\n",
        "extra",
        None,
        "onbekende sleutel; geldig zijn:",
    ),
    "onbekende_sleutel_in_sectie": (
        _variant("zorg = true ", "zorg = true\nwonen = true "),
        "criteria.wonen",
        None,
        "onbekende sleutel in [criteria]",
    ),
    "tikfout_in_sleutel": (
        _variant("per_minuut_studie = 0.5", "per_minuut_stuide = 0.5"),
        "kosten.per_minuut_stuide",
        None,
        "onbekende sleutel in [kosten]",
    ),
    "sleutel_ontbreekt": (
        _variant("zorg_min = 45.0", "# zorg_min weg"),
        "limieten.zorg_min",
        None,
        "sleutel ontbreekt in [limieten]",
    ),
    "sectie_ontbreekt": (
        STANDAARD.split("[kosten]")[0],
        "kosten",
        None,
        "sectie [kosten] ontbreekt",
    ),
    "sectie_geen_tabel": (
        STANDAARD.split("[kosten]")[0].replace(
            'naam = "standaard"', 'naam = "standaard"\nkosten = 3'
        ),
        "kosten",
        3,
        "verwacht een sectie [kosten] met sleutels, geen losse waarde",
    ),
    "naam_ontbreekt": (
        _variant('naam = "standaard"\n', ""),
        "naam",
        None,
        "'naam' ontbreekt of is leeg",
    ),
    "naam_leeg": (
        _variant('naam = "standaard"', 'naam = ""'),
        "naam",
        None,
        "'naam' ontbreekt of is leeg",
    ),
    "bool_als_tekst": (
        _variant("werk = true ", 'werk = "ja" '),
        "criteria.werk",
        "ja",
        "verwacht true of false",
    ),
    "coa_regio_als_tekst": (
        _variant("coa_regio = false ", 'coa_regio = "ja" '),
        "criteria.coa_regio",
        "ja",
        "verwacht true of false",
    ),
    "bool_als_getal": (
        _variant("studie = true ", "studie = 1 "),
        "criteria.studie",
        1,
        "verwacht true of false",
    ),
    "getal_als_tekst": (
        _variant("werk_min = 60.0", 'werk_min = "60"'),
        "limieten.werk_min",
        "60",
        "verwacht een getal",
    ),
    "getal_als_bool": (
        _variant("flex_per_persoon = 2.0", "flex_per_persoon = true"),
        "kosten.flex_per_persoon",
        True,
        "verwacht een getal",
    ),
    "geheel_als_breuk": (
        _variant("termijn_weken = 14 ", "termijn_weken = 14.5 "),
        "limieten.termijn_weken",
        14.5,
        "verwacht een geheel getal",
    ),
    "negatief": (
        _variant("werk_min = 60.0", "werk_min = -1.0"),
        "limieten.werk_min",
        -1.0,
        "mag niet negatief zijn",
    ),
    "negatieve_tolerantie": (
        _variant("tolerantie_absoluut = 0.0", "tolerantie_absoluut = -0.5"),
        "doel.tolerantie_absoluut",
        -0.5,
        "mag niet negatief zijn",
    ),
    "oneindig": (
        _variant("per_minuut_werk = 0.5", "per_minuut_werk = inf"),
        "kosten.per_minuut_werk",
        math.inf,
        "verwacht een eindig getal",
    ),
    "volgorde_onbekend_niveau": (
        _variant('"kosten"]', '"kosten", "snelheid"]'),
        "doel.volgorde",
        [*DOELNIVEAUS, "snelheid"],
        "ongeldige of dubbele doelniveaus",
    ),
    "volgorde_dubbel": (
        _variant('"overvulling", "kosten"]', '"overvulling", "tekort"]'),
        "doel.volgorde",
        ["onbediend", "stabiliteit", "tekort", "eerlijkheid", "overvulling", "tekort"],
        "ongeldige of dubbele doelniveaus",
    ),
    "volgorde_leeg": (
        _variant(
            STANDAARD_VOLGORDE,
            "volgorde = []",
        ),
        "doel.volgorde",
        [],
        "ongeldige of dubbele doelniveaus",
    ),
    "volgorde_tekst": (
        _variant(
            STANDAARD_VOLGORDE,
            'volgorde = "onbediend"',
        ),
        "doel.volgorde",
        "onbediend",
        "verwacht een lijst met namen",
    ),
    "volgorde_getallen": (
        _variant(
            STANDAARD_VOLGORDE,
            "volgorde = [1, 2]",
        ),
        "doel.volgorde",
        [1, 2],
        "verwacht een lijst met namen",
    ),
    "volgorde_hoofdletters": (
        _variant('["onbediend",', '["Onbediend",'),
        "doel.volgorde",
        ["Onbediend", "stabiliteit", "tekort", "eerlijkheid", "overvulling", "kosten"],
        "kies uit onbediend, stabiliteit, tekort, eerlijkheid, overvulling, kosten",
    ),
    "geen_toml": (
        _variant("[doel]", "[doel"),
        None,
        None,
        "geen geldige TOML",
    ),
}


@pytest.mark.parametrize(("tekst", "kolom", "waarde", "bericht"), FOUTEN.values(), ids=FOUTEN)
def test_strenge_preset(
    tmp_path: Path, tekst: str, kolom: str | None, waarde: object, bericht: str
) -> None:
    pad = _schrijf(tmp_path, tekst)
    with pytest.raises(ConfiguratieFout) as e:
        laad_preset(pad)
    exc = e.value
    assert exc.bestand == str(pad) and exc.rij is None
    assert exc.kolom == kolom, str(exc)
    assert exc.waarde == waarde, str(exc)
    s = str(exc)
    assert s.startswith(f"bestand '{pad}'")
    if kolom is not None:
        assert f"kolom '{kolom}'" in s
    if waarde is not None:
        assert f"waarde {waarde!r}" in s
    assert bericht in s, s


@pytest.mark.parametrize("waarde", ["nan", "-nan", "+nan"])
def test_nan_is_geen_geldig_getal(tmp_path: Path, waarde: str) -> None:
    pad = _schrijf(tmp_path, _variant("werk_min = 60.0", f"werk_min = {waarde}"))
    with pytest.raises(ConfiguratieFout, match="verwacht een eindig getal") as e:
        laad_preset(pad)
    assert e.value.kolom == "limieten.werk_min"
    assert isinstance(e.value.waarde, float) and math.isnan(e.value.waarde)


def test_fout_in_dict_noemt_bron() -> None:
    data = tomllib.loads(STANDAARD)
    del data["criteria"]["zorg"]
    with pytest.raises(ConfiguratieFout) as e:
        preset_uit_dict(data, bron="api")
    assert (e.value.bestand, e.value.kolom) == ("api", "criteria.zorg")

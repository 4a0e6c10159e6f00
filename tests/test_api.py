"""The Python API: docs/api.md runs, `ModelPreset.met`, short reprs of Instance and result.

The examples of ``docs/api.md`` (the ``>>>`` lines in its fenced code blocks)
run as one doctest from the project folder, in page order; every public name of
``allocatie.__all__`` must be documented there.
"""

from __future__ import annotations

import dataclasses
import doctest
import re
from pathlib import Path

import pandas as pd
import pytest

import allocatie
from allocatie.kern.errors import ConfiguratieFout
from allocatie.ronde.presets import (
    beschikbare_presets,
    laad_preset,
    preset_als_dict,
    preset_uit_dict,
    sleutels,
)

REPO = Path(__file__).resolve().parents[1]
API = REPO / "docs" / "api.md"


def _voorbeelden(tekst: str) -> str:
    """The text of every fenced code block with doctest examples, one after the other."""
    blokken = re.findall(r"^```python\n(.*?)^```", tekst, flags=re.M | re.S)
    return "\n".join(b for b in blokken if ">>>" in b)


def test_api_md_voorbeelden_draaien(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    tekst = API.read_text(encoding="utf-8")
    voorbeelden = _voorbeelden(tekst)
    test = doctest.DocTestParser().get_doctest(voorbeelden, {}, "docs/api.md", str(API), 0)
    assert len(test.examples) >= 25
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    runner.run(test)
    uitslag = runner.summarize(verbose=False)
    assert uitslag.failed == 0 and uitslag.attempted == len(test.examples)


def test_api_md_noemt_elke_publieke_naam() -> None:
    tekst = API.read_text(encoding="utf-8")
    for naam in allocatie.__all__:
        assert f"`{naam}" in tekst, naam
    for extra in ("NiveauUitkomst", "ModelPreset.met", "schrijf_uitvoer"):
        assert extra in tekst


# --------------------------------------------------------------------------- ModelPreset.met


@pytest.mark.parametrize("naam", beschikbare_presets())
def test_preset_als_dict_heen_en_terug(naam: str) -> None:
    p = laad_preset(naam)
    assert preset_uit_dict(preset_als_dict(p), p.bron) == p


def test_met_zonder_wijziging_is_dezelfde() -> None:
    p = laad_preset("standaard")
    assert p.met() is p


def test_met_wijzigt_alleen_wat_gevraagd_is() -> None:
    p = laad_preset("standaard")
    q = p.met(
        {"kosten.flex_per_persoon": 3}, criteria__coa_regio=True, doel__tolerantie_relatief=0.01
    )
    assert (q.kosten.flex_per_persoon, q.criteria.coa_regio, q.doel.tolerantie_relatief) == (
        3.0,
        True,
        0.01,
    )
    assert isinstance(q.kosten.flex_per_persoon, float)  # converted as from a file
    # Everything else unchanged; the name and source say it was changed.
    gelijk = dataclasses.replace(
        q,
        naam=p.naam,
        bron=p.bron,
        kosten=p.kosten,
        criteria=p.criteria,
        doel=p.doel,
    )
    assert gelijk == p
    assert q.naam == "standaard (gewijzigd)"
    assert "kosten.flex_per_persoon=3" in q.bron and "criteria.coa_regio=True" in q.bron
    assert q.met(kosten__flex_per_persoon=4).naam == "standaard (gewijzigd)"  # not twice
    assert p.met(naam="mijn preset").naam == "mijn preset"


def test_met_ruil_en_afwijkende_limiet() -> None:
    p = laad_preset("standaard")
    volgorde = list(p.doel.volgorde)
    volgorde.insert(volgorde.index("tekort") + 1, "ruil")
    q = p.met({"ruil.toegestaan": True, "doel.volgorde": volgorde, "ruil.regio": "provincie"})
    assert q.ruil.toegestaan and q.ruil.regio == "provincie" and "ruil" in q.doel.volgorde
    r = laad_preset("werk-eerst").met({"limieten.gezin.werk_min": 30, "limieten.auto.werk_min": 50})
    assert ("gezin", "werk_min", 30.0) in r.limieten.afwijkend
    assert r.limieten.minuten_voor("werk_min", "auto", 3) == 30.0


@pytest.mark.parametrize(
    ("wijziging", "kolom", "tekst"),
    [
        (
            {"kosten.per_minuut_werkk": 1},
            "kosten.per_minuut_werkk",
            "bedoelde u `kosten.per_minuut_werk`",
        ),
        ({"kosten": 1}, "kosten", "onbekende parameter"),
        ({"onzin.werk": 1}, "onzin.werk", "onbekende parameter"),
        ({"kosten.per_minuut_werk": -1}, "kosten.per_minuut_werk", "mag niet negatief"),
        ({"kosten.per_minuut_werk": "veel"}, "kosten.per_minuut_werk", "verwacht een getal"),
        ({"criteria.werk": 1}, "criteria.werk", "verwacht true of false"),
        ({"limieten.termijn_weken": 2.5}, "limieten.termijn_weken", "geheel getal"),
        ({"ruil.toegestaan": True}, "doel.volgorde", "hoort het doelniveau 'ruil'"),
        ({"doel.volgorde": ["onbediend", "geluk"]}, "doel.volgorde", "ongeldige"),
        ({"limieten.fiets.werk_min": 3}, "limieten.fiets.werk_min", "afwijkende limiet"),
        ({"reistijd.standaard_vervoer": "fiets"}, "reistijd.standaard_vervoer", "vervoerswijze"),
    ],
)
def test_met_strikte_fouten(wijziging: dict[str, object], kolom: str, tekst: str) -> None:
    p = laad_preset("standaard")
    with pytest.raises(ConfiguratieFout, match=re.escape(tekst)) as fout:
        p.met(wijziging)
    assert fout.value.kolom == kolom
    assert "<ModelPreset.met>" in str(fout.value)  # not the unchanged preset file
    assert p == laad_preset("standaard")  # the original is untouched


def test_met_twee_keer_dezelfde_sleutel() -> None:
    with pytest.raises(ConfiguratieFout, match="twee keer"):
        laad_preset("standaard").met({"kosten.per_minuut_werk": 1}, kosten__per_minuut_werk=2)


def test_sleutels_dekken_het_bestand() -> None:
    """Every key of the shipped file is a key `met` takes."""
    import tomllib

    data = tomllib.loads((REPO / "models" / "standaard.toml").read_text(encoding="utf-8"))
    uit_bestand = {
        f"{s}.{k}" if isinstance(v, dict) else s
        for s, v in data.items()
        for k in (v if isinstance(v, dict) else [None])
    }
    assert uit_bestand <= set(sleutels(laad_preset("standaard")))


# --------------------------------------------------------------------------- reprs


def test_repr_kort_en_informatief(
    opgelost: tuple[allocatie.Instance, allocatie.AllocationResult],
) -> None:
    inst, res = opgelost
    r = repr(inst)
    assert len(r) < 250 and "\n" not in r
    for deel in (
        inst.naam,
        f"periode={inst.periode.label}",
        f"gemeenten={len(inst.gemeenten)}",
        f"huishoudens={inst.n_huishoudens}",
        f"opties={len(inst.opties)}",
        f"preset='{inst.preset.naam}'",
    ):
        assert deel in r
    assert "DataFrame" not in r and "gemeente_code" not in r
    s = repr(res)
    assert len(s) < 300 and "\n" not in s
    a = res.samenvatting()["aantallen"]
    for deel in (
        f"status={res.status.value}",
        f"geplaatst={a['huishoudens_geplaatst']} huishoudens/{a['personen_geplaatst']} personen",
        f"onbediend={a['huishoudens_onbediend']} huishoudens/{a['personen_onbediend']} personen",
        "reproduceerbaar=True",
        *(f"{n.naam}=" for n in res.niveaus),
    ):
        assert deel in s
    assert str(res) == s  # print() gives the same short text


def test_repr_zonder_oplossing() -> None:
    """A level without a value shows '-'; an empty result still prints."""
    res = allocatie.AllocationResult(
        status=allocatie.Status.GEEN_OPLOSSING,
        backend="highs",
        solver="x",
        niveaus=(),
        doelwaarden={},
        plaatsingen=pd.DataFrame({"personen": pd.Series([], dtype=int)}),
        onbediend=pd.DataFrame({"personen": [2, 3]}),
        per_gemeente=pd.DataFrame({"tekort": [1]}),
        per_optie=pd.DataFrame(),
        wall_s=0.0,
        bouw_s=0.0,
    )
    assert repr(res) == (
        "<AllocationResult status=geen_oplossing niveaus=[] geplaatst=0 huishoudens/0 personen "
        "onbediend=2 huishoudens/5 personen tekort=1 reproduceerbaar=True>"
    )

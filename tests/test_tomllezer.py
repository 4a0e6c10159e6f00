"""The one strict TOML reader (`allocatie.io.tomllezer`): every refusal names the file, the
dotted key and the value; ``ronde.toml``, the model presets and ``plan.toml`` all use it.
"""

from __future__ import annotations

import doctest
import math
import shutil
from pathlib import Path

import pytest

import allocatie.io.tomllezer as tomllezer_mod
from allocatie.invoer.laden import laad_ronde
from allocatie.io.tomllezer import TomlLezer, lees_toml
from allocatie.kern.errors import ConfiguratieFout
from allocatie.planning.invoer.config import lees_planconfig
from allocatie.ronde.presets import MODELS_MAP, laad_preset

DATA = Path(__file__).resolve().parents[1] / "data"


def test_doctests() -> None:
    assert doctest.testmod(tomllezer_mod).failed == 0


def _fout(e: pytest.ExceptionInfo[ConfiguratieFout], pad: object, kolom: str | None) -> str:
    s = str(e.value)
    assert e.value.bestand == str(pad) and s.startswith(f"bestand '{pad}'"), s
    assert e.value.kolom == kolom and (kolom is None or f"kolom '{kolom}'" in s), s
    assert e.value.rij is None
    return s


@pytest.mark.parametrize(
    ("inhoud", "fragment"),
    [
        (b"[ronde\n", "geen geldige TOML"),
        (b'naam = "\xff"\n', "geen UTF-8 (ongeldig teken op regel 1)"),
        (b'[ronde]\nnationaliteit = "x"\n', "beschermd"),
    ],
)
def test_lees_toml_weigert(tmp_path: Path, inhoud: bytes, fragment: str) -> None:
    pad = tmp_path / "x.toml"
    pad.write_bytes(inhoud)
    with pytest.raises(ConfiguratieFout) as e:
        lees_toml(pad)
    assert fragment in str(e.value) and e.value.bestand == str(pad)


def test_lees_toml_geen_bestand(tmp_path: Path) -> None:
    for pad in (tmp_path / "weg.toml", tmp_path):
        with pytest.raises(ConfiguratieFout, match="planbestand bestaat niet") as e:
            lees_toml(pad, soort="planbestand")
        _fout(e, pad, None)


LZ = TomlLezer("t.toml")

# (call, dotted key, value, fragment)
WEIGERINGEN = [
    (lambda: LZ.secties({"rnde": {}}, ("ronde", "solver")), "rnde", None, "bedoelde u `ronde`?"),
    (lambda: LZ.secties({"ronde": 3}, ("ronde",)), "ronde", 3, "geen losse waarde"),
    (lambda: LZ.secties({"regio": {}}, ("regio",), lijsten=("regio",)), "regio", None, "[[regio]]"),
    (lambda: LZ.tabel({"x": 1}, "solver", {"seed"}), "solver.x", None, "onbekende sleutel in"),
    (lambda: LZ.tabel([1], "solver", {"seed"}), "solver", [1], "verwacht een tabel"),
    (lambda: LZ.verplicht({}, "naam", "ronde"), "ronde.naam", None, "verplichte sleutel"),
    (lambda: LZ.verplicht({}, "plan"), "plan", None, "verplichte sectie"),
    (lambda: LZ.getal(True, "a.b"), "a.b", True, "verwacht een getal >= 0"),
    (lambda: LZ.getal(math.nan, "a.b"), "a.b", math.nan, "verwacht een getal"),
    (lambda: LZ.getal(2, "a.b", maximum=1), "a.b", 2, "tussen 0 en 1"),
    (lambda: LZ.geheel(1.5, "a.n"), "a.n", 1.5, "geheel getal"),
    (lambda: LZ.tekst("  ", "a.t"), "a.t", "  ", "niet-lege tekst"),
    (lambda: LZ.waar_onwaar("ja", "a.w"), "a.w", "ja", "true of false"),
    (lambda: LZ.namen(["a", "a"], "a.l"), "a.l", ["a", "a"], "één keer"),
    (lambda: LZ.namen(["c"], "a.l", ("a", "b")), "a.l", "c", "kies uit a, b"),
]


@pytest.mark.parametrize(("roep", "kolom", "waarde", "fragment"), WEIGERINGEN)
def test_tomllezer_weigert(roep: object, kolom: str, waarde: object, fragment: str) -> None:
    with pytest.raises(ConfiguratieFout) as e:
        roep()  # type: ignore[operator]
    s = _fout(e, "t.toml", kolom)
    assert fragment in s, s
    if isinstance(waarde, float) and math.isnan(waarde):
        assert isinstance(e.value.waarde, float) and math.isnan(e.value.waarde)
    else:
        assert e.value.waarde == waarde


def test_alle_drie_de_bestanden_weigeren_een_tikfout_op_dezelfde_manier(tmp_path: Path) -> None:
    """ronde.toml, a preset and plan.toml: one reader, one message for an unknown key."""
    ronde = tmp_path / "ronde"
    shutil.copytree(DATA / "voorbeeld", ronde)
    pad = ronde / "ronde.toml"
    pad.write_text(pad.read_text().replace("[solver]", "[solver]\nsed = 1"))
    preset = tmp_path / "eigen.toml"
    preset.write_text(
        (MODELS_MAP / "standaard.toml").read_text().replace("[kosten]", "[kosten]\nsed = 1", 1)
    )
    plan = tmp_path / "plan.toml"
    plan.write_text(
        (DATA / "plan" / "plan.toml").read_text().replace("[scenarios]", "[scenarios]\nsed = 1", 1)
    )
    for lees, bestand, sectie in (
        (laad_ronde, pad, "solver"),
        (laad_preset, preset, "kosten"),
        (lees_planconfig, plan, "scenarios"),
    ):
        with pytest.raises(ConfiguratieFout) as e:
            lees(bestand)
        s = _fout(e, bestand, f"{sectie}.sed")
        assert f"onbekende sleutel in [{sectie}]; geldig zijn: " in s, s

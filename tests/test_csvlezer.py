"""The detection rule of the one CSV reader (`allocatie.io.csvlezer`) and the value rules
(`allocatie.io.notatie`): every branch, and every refusal naming file, row, column, value.

Rule (data/SCHEMA.md, "CSV uit Excel"): the header line decides. ``;`` and no ``,``: a
semicolon file with decimal comma; ``,`` and no ``;``: a comma file with decimal point;
neither: one column, a comma file; both: ambiguous, an error.
"""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import allocatie.io.csvlezer as csvlezer_mod
import allocatie.io.notatie as notatie_mod
from allocatie.io import kolommen as k
from allocatie.io.csvlezer import bepaal_opmaak, lees_csv
from allocatie.kern.errors import InvoerFout

BOM = b"\xef\xbb\xbf"


def _schrijf(tmp_path: Path, data: bytes, naam: str = "t.csv") -> Path:
    pad = tmp_path / naam
    pad.write_bytes(data)
    return pad


def _bevat_plaats(e: InvoerFout, pad: Path | str, rij: int | None, kolom: str | None) -> None:
    s = str(e)
    assert e.bestand == str(pad) and f"bestand '{pad}'" in s, s
    assert e.rij == rij and (rij is None or f"rij {rij}" in s), s
    assert e.kolom == kolom and (kolom is None or f"kolom '{kolom}'" in s), s


def test_doctests() -> None:
    assert doctest.testmod(csvlezer_mod).failed == 0
    assert doctest.testmod(notatie_mod).failed == 0


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("kop", "scheiding", "decimaal"),
    [
        ("a;b;c", ";", ","),
        ("a,b,c", ",", "."),
        ("a", ",", "."),  # one column: a comma file
    ],
)
def test_kopregel_bepaalt_de_opmaak(kop: str, scheiding: str, decimaal: str) -> None:
    opmaak = bepaal_opmaak(kop)
    assert (opmaak.scheidingsteken, opmaak.decimaalteken) == (scheiding, decimaal)


def test_kopregel_met_komma_en_puntkomma_is_dubbelzinnig(tmp_path: Path) -> None:
    pad = _schrijf(tmp_path, b"gemeente_code;naam,kort\nGM0014;x\n")
    with pytest.raises(InvoerFout, match="onduidelijk scheidingsteken") as e:
        lees_csv(pad)
    _bevat_plaats(e.value, pad, 1, None)


@pytest.mark.parametrize("bom", [b"", BOM])
@pytest.mark.parametrize("einde", [b"\n", b"\r\n"])
def test_excel_nl_bestand(tmp_path: Path, bom: bytes, einde: bytes) -> None:
    regels = [b"id;x;naam;datum", b"007;1,5;Almere, stad;5-1-2025", b'"A;B";-2;"zeg ""hoi""";']
    pad = _schrijf(tmp_path, bom + einde.join(regels) + einde)
    df = lees_csv(pad)
    assert list(df.columns) == ["id", "x", "naam", "datum"]
    assert df.to_dict("list") == {
        "id": ["007", "A;B"],  # ids as written, never converted
        "x": ["1,5", "-2"],
        "naam": ["Almere, stad", 'zeg "hoi"'],
        "datum": ["5-1-2025", ""],
    }
    assert df.attrs == {"decimaalteken": ",", "scheidingsteken": ";"}
    assert k.getal(df, "x", str(pad)).tolist() == [1.5, -2.0]
    assert k.datum(df, "datum", str(pad), verplicht=False)[0] == np.datetime64("2025-01-05")


def test_kommabestand_met_crlf_en_bom(tmp_path: Path) -> None:
    pad = _schrijf(tmp_path, BOM + b"id,x\r\n007,1.5\r\n")
    df = lees_csv(pad)
    assert df.to_dict("list") == {"id": ["007"], "x": ["1.5"]}
    assert df.attrs["decimaalteken"] == "."
    assert k.getal(df, "x", str(pad)).tolist() == [1.5]


def test_puntkommabestand_rij_met_te_veel_velden_noemt_de_regel(tmp_path: Path) -> None:
    pad = _schrijf(tmp_path, b"a;b\n1;2;\n")
    with pytest.raises(InvoerFout, match="een puntkomma te veel aan het eind") as e:
        lees_csv(pad)
    _bevat_plaats(e.value, pad, 2, None)
    assert "puntkomma's als scheidingsteken, komma als decimaalteken" in str(e.value)


# --------------------------------------------------------------------------- values

# (decimal sign of the file, cell, parser, fragment of the refusal)
WEIGERINGEN = [
    (",", "1.234", "getal", "dubbelzinnig getal"),
    (",", "1.234,5", "getal", "duizendtalscheiding"),
    (",", "0.5", "getal", "punt in een getal"),
    (",", "1 234", "getal", "geen getal; verwacht een getal met een komma als"),
    (".", "1,5", "getal", "komma in een getal"),
    (".", "1,234.5", "getal", "dubbelzinnig getal"),
    (".", "1_000", "getal", "geen getal; verwacht een getal met een punt als"),
    (".", "nan", "getal", "verwacht een getal"),
    (".", "٣", "getal", "verwacht een getal"),
    (",", "12.000", "geheel", "dubbelzinnig getal"),
    (".", "12,000", "geheel", "dubbelzinnig getal"),
    (",", "2,0", "geheel", "geen geheel getal"),
    (",", "13-13-2025", "datum", "geen bestaande datum (dag 13, maand 13"),
    (".", "2025-02-30", "datum", "geen bestaande datum"),
    (".", "5/1/2025", "datum", "verwacht JJJJ-MM-DD (bijv. 2025-01-05) of D-M-JJJJ"),
    (".", "20250105", "datum", "geen geldige datum"),
]


@pytest.mark.parametrize(("decimaal", "cel", "parser", "fragment"), WEIGERINGEN)
def test_dubbelzinnige_waarden_zijn_fouten(
    tmp_path: Path, decimaal: str, cel: str, parser: str, fragment: str
) -> None:
    sep = ";" if decimaal == "," else ","
    inhoud = f'id{sep}w\nA{sep}"{cel}"\n'.encode()
    pad = _schrijf(tmp_path, inhoud)
    df = lees_csv(pad)
    assert df.attrs["decimaalteken"] == decimaal
    with pytest.raises(InvoerFout) as e:
        getattr(k, parser)(df, "w", str(pad))
    assert fragment in str(e.value), str(e.value)
    _bevat_plaats(e.value, pad, 2, "w")
    assert e.value.waarde == cel and repr(cel) in str(e.value)


@pytest.mark.parametrize(
    ("decimaal", "cel", "verwacht"),
    [
        (",", "1234,5", 1234.5),
        (",", "-,25", -0.25),
        (",", "3", 3.0),
        (",", "1,5E+03", 1500.0),
        (".", "1234.5", 1234.5),
        (".", ".25", 0.25),
        (".", "2e3", 2000.0),
    ],
)
def test_geldige_getallen(tmp_path: Path, decimaal: str, cel: str, verwacht: float) -> None:
    sep = ";" if decimaal == "," else ","
    pad = _schrijf(tmp_path, f"w\n{cel}\n".encode() if sep == "," else f"w;id\n{cel};A\n".encode())
    assert k.getal(lees_csv(pad), "w", str(pad)).tolist() == [verwacht]


def test_gemengde_datumnotaties_zijn_een_fout(tmp_path: Path) -> None:
    pad = _schrijf(tmp_path, b"id;d\nA;2025-01-05\nB;2025-01-06\nC;7-1-2025\n")
    with pytest.raises(InvoerFout, match="gemengde datumnotaties") as e:
        k.datum(lees_csv(pad), "d", str(pad))
    _bevat_plaats(e.value, pad, 4, "d")
    assert e.value.waarde == "7-1-2025" and "rij 2 als JJJJ-MM-DD" in str(e.value)


def test_datums_in_beide_notaties_per_kolom(tmp_path: Path) -> None:
    pad = _schrijf(tmp_path, b"id;d;e\nA;05-01-2025;2025-01-05\nB;28-2-2025;2025-02-28\n")
    df = lees_csv(pad)
    d, e = k.datum(df, "d", str(pad)), k.datum(df, "e", str(pad))
    assert d.tolist() == e.tolist()
    assert str(d[1]) == "2025-02-28"


def test_tabel_uit_python_gebruikt_de_punt() -> None:
    df = pd.DataFrame({"x": ["1.5", 2.5]})
    assert k.getal(df, "x", "t").tolist() == [1.5, 2.5]
    with pytest.raises(InvoerFout, match="komma in een getal"):
        k.getal(pd.DataFrame({"x": ["1,5"]}), "x", "t")

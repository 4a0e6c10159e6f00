"""Tests for allocatie.io.atomisch: atomic writes never leave half files behind."""

from __future__ import annotations

import doctest
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import allocatie.io.atomisch as atomisch
from allocatie.io.atomisch import (
    atomisch_pad,
    atomische_map,
    controleer_uitvoerbestand,
    controleer_uitvoermap,
    schrijf_csv_atomisch,
)
from allocatie.io.uitvoermap import MERK
from allocatie.kern.errors import InvoerFout


def _bestanden(map_: Path) -> list[str]:
    return sorted(p.name for p in map_.iterdir())


def test_doctests() -> None:
    assert doctest.testmod(atomisch).failed == 0


def test_schrijft_en_laat_geen_tijdelijk_bestand_achter(tmp_path: Path) -> None:
    doel = tmp_path / "uit.txt"
    with atomisch_pad(doel) as tmp:
        assert tmp.parent == tmp_path
        assert tmp.exists() and tmp.name.endswith(".tmp") and tmp != doel
        assert not doel.exists()  # nothing visible before the block ends
        tmp.write_text("inhoud", encoding="utf-8")
    assert doel.read_text(encoding="utf-8") == "inhoud"
    assert _bestanden(tmp_path) == ["uit.txt"]


def test_fout_in_blok_laat_bestaand_doel_ongemoeid(tmp_path: Path) -> None:
    doel = tmp_path / "uit.txt"
    doel.write_text("oud", encoding="utf-8")
    with pytest.raises(RuntimeError, match="halverwege"), atomisch_pad(doel) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("halverwege")
    assert doel.read_text(encoding="utf-8") == "oud"
    assert _bestanden(tmp_path) == ["uit.txt"]


def test_keyboardinterrupt_ruimt_ook_op(tmp_path: Path) -> None:
    doel = tmp_path / "uit.txt"
    with pytest.raises(KeyboardInterrupt), atomisch_pad(doel):
        raise KeyboardInterrupt
    assert _bestanden(tmp_path) == []


def test_mislukte_replace_ruimt_op(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doel = tmp_path / "uit.txt"
    doel.write_text("oud", encoding="utf-8")

    def kapot(*_: object) -> None:
        raise OSError("schijf vol")

    monkeypatch.setattr(atomisch.os, "replace", kapot)
    with pytest.raises(OSError, match="schijf vol"), atomisch_pad(doel) as tmp:
        tmp.write_text("nieuw", encoding="utf-8")
    assert doel.read_text(encoding="utf-8") == "oud"
    assert _bestanden(tmp_path) == ["uit.txt"]


def test_verdwenen_tijdelijk_bestand_is_fout(tmp_path: Path) -> None:
    doel = tmp_path / "uit.txt"
    doel.write_text("oud", encoding="utf-8")
    with pytest.raises(FileNotFoundError), atomisch_pad(doel) as tmp:
        tmp.unlink()
    assert doel.read_text(encoding="utf-8") == "oud"


def test_ontbrekende_map_geeft_invoerfout(tmp_path: Path) -> None:
    doel = tmp_path / "bestaat_niet" / "uit.csv"
    with pytest.raises(InvoerFout, match="bestaat niet") as e, atomisch_pad(doel):
        pass  # pragma: no cover
    assert "bestaat_niet" in str(e.value)


def test_map_als_doel_geeft_invoerfout(tmp_path: Path) -> None:
    with pytest.raises(InvoerFout, match="is een map"), atomisch_pad(tmp_path):
        pass  # pragma: no cover
    assert _bestanden(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX-rechten")
def test_rechten_volgen_umask_en_bestaand_bestand(tmp_path: Path) -> None:
    nieuw = tmp_path / "nieuw.txt"
    masker = os.umask(0o022)
    try:
        with atomisch_pad(nieuw) as tmp:
            tmp.write_text("x", encoding="utf-8")
    finally:
        os.umask(masker)
    assert stat.S_IMODE(nieuw.stat().st_mode) == 0o644  # not mkstemp's 0o600

    bestaand = tmp_path / "bestaand.txt"
    bestaand.write_text("oud", encoding="utf-8")
    bestaand.chmod(0o640)
    with atomisch_pad(bestaand) as tmp:
        tmp.write_text("nieuw", encoding="utf-8")
    assert stat.S_IMODE(bestaand.stat().st_mode) == 0o640


def test_fsync(tmp_path: Path) -> None:
    doel = tmp_path / "uit.txt"
    with atomisch_pad(doel, fsync=True) as tmp:
        tmp.write_text("veilig", encoding="utf-8")
    assert doel.read_text(encoding="utf-8") == "veilig"


def test_schrijf_csv_atomisch(tmp_path: Path) -> None:
    df = pd.DataFrame({"gemeente_code": ["GM0014", "GM0034"], "taakstelling": [204, 190]})
    doel = schrijf_csv_atomisch(df, tmp_path / "taak.csv", fsync=True)
    assert doel == tmp_path / "taak.csv"
    assert doel.read_bytes() == b"gemeente_code,taakstelling\nGM0014,204\nGM0034,190\n"
    assert _bestanden(tmp_path) == ["taak.csv"]


def test_schrijf_csv_atomisch_overschrijft(tmp_path: Path) -> None:
    doel = tmp_path / "taak.csv"
    doel.write_text("oud\n", encoding="utf-8")
    schrijf_csv_atomisch(pd.DataFrame({"a": ["ë"]}), doel)
    assert doel.read_text(encoding="utf-8") == "a\në\n"


# --------------------------------------------------------------------------- folders


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask after a test that sets it."""
    oud = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(oud)


def test_atomische_map_verschijnt_in_een_keer(tmp_path: Path) -> None:
    doel = tmp_path / "uit"
    with atomische_map(doel) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".uit.") and tmp.name.endswith(".tmp")
        (tmp / "a.txt").write_text("a", encoding="utf-8")
        assert not doel.exists()
    assert _bestanden(tmp_path) == ["uit"]
    assert _bestanden(doel) == [MERK, "a.txt"]


@pytest.mark.parametrize("fout", [RuntimeError("halverwege"), KeyboardInterrupt()], ids=repr)
def test_atomische_map_onderbroken(tmp_path: Path, fout: BaseException) -> None:
    doel = tmp_path / "uit"
    with atomische_map(doel) as tmp:
        (tmp / "oud.txt").write_text("oud", encoding="utf-8")
    with pytest.raises(type(fout)), atomische_map(doel, overschrijf=True) as tmp:
        (tmp / "nieuw.txt").write_text("half", encoding="utf-8")
        raise fout
    assert _bestanden(tmp_path) == ["uit"]
    assert _bestanden(doel) == [MERK, "oud.txt"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX-rechten")
@pytest.mark.parametrize(("masker", "modus"), [(0o022, 0o755), (0o027, 0o750), (0o077, 0o700)])
@pytest.mark.usefixtures("umask")
def test_atomische_map_rechten_als_mkdir(tmp_path: Path, masker: int, modus: int) -> None:
    """Not mkdtemp's 0700: the umask applies, as for ``mkdir``."""
    os.umask(masker)
    (tmp_path / "gewoon").mkdir()
    with atomische_map(tmp_path / "uit") as tmp:
        (tmp / "a.txt").write_text("a", encoding="utf-8")
    assert stat.S_IMODE((tmp_path / "uit").stat().st_mode) == modus
    assert stat.S_IMODE((tmp_path / "gewoon").stat().st_mode) == modus


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX-rechten")
def test_atomische_map_houdt_rechten_van_bestaande_map(tmp_path: Path) -> None:
    doel = tmp_path / "uit"
    with atomische_map(doel) as tmp:
        (tmp / "oud.txt").write_text("oud", encoding="utf-8")
    doel.chmod(0o711)
    with atomische_map(doel, overschrijf=True) as tmp:
        (tmp / "nieuw.txt").write_text("nieuw", encoding="utf-8")
    assert _bestanden(doel) == [MERK, "nieuw.txt"]
    assert stat.S_IMODE(doel.stat().st_mode) == 0o711


def test_controles_vooraf(tmp_path: Path) -> None:
    assert controleer_uitvoermap(tmp_path / "nieuw") == tmp_path / "nieuw"
    leeg = tmp_path / "leeg"
    leeg.mkdir()
    assert controleer_uitvoermap(leeg) == leeg  # an empty folder may be used
    (leeg / "x").write_text("x", encoding="utf-8")
    with pytest.raises(InvoerFout, match="--overschrijf"):
        controleer_uitvoermap(leeg)
    # Issue 17: --overschrijf no longer deletes a folder allocatie did not write.
    with pytest.raises(InvoerFout, match="'x'"):
        controleer_uitvoermap(leeg, overschrijf=True)
    with pytest.raises(InvoerFout, match="is een bestand"):
        controleer_uitvoermap(leeg / "x", overschrijf=True)
    assert controleer_uitvoerbestand(tmp_path / "s.json") == tmp_path / "s.json"
    with pytest.raises(InvoerFout, match="bestaat niet"):
        controleer_uitvoerbestand(tmp_path / "weg" / "s.json")
    with pytest.raises(InvoerFout, match="is een map"):
        controleer_uitvoerbestand(leeg)

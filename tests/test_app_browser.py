"""End to end in a real browser (Playwright, system chromium), through the pages only.

Log in, download the empty template, upload the example round as one workbook
(``ronde.xlsx``) with a deliberate error, read the error (sheet, row, column,
value) on the page, fix that very cell and upload again, run, see the map, lock
a household with a reason, re-run stably, compare the two runs, download the
workbook, and find every one of these actions in the audit log, in order.

Playwright drives the chromium of the system (Debian package ``chromium``) through
``executable_path``; no browser is downloaded. Without a chromium the test is skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

pytest.importorskip("starlette", reason="de app-onderdelen (allocatie[app]) ontbreken")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn (allocatie[app]) ontbreekt")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is niet geïnstalleerd")

from bouwers import voorbeeld_als_werkboek  # noqa: E402

from allocatie.app.beveiliging import maak_gebruiker  # noqa: E402
from allocatie.app.web import Instellingen, maak_app  # noqa: E402

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"
WACHTWOORD = "geheim-wachtwoord-1"
CHROMIUM = os.environ.get("ALLOCATIE_CHROMIUM") or next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None
)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="geen chromium op deze machine (Debian: apt-get install chromium); "
    "de browsertest wordt overgeslagen",
)


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The application on a free local port, in a thread; its base URL."""
    webapp = maak_app(Instellingen(datamap=tmp_path / "data"))
    with webapp.state.sessies() as s, s.begin():
        maak_gebruiker(s, "anna", WACHTWOORD, "regisseur", "PV99")
    poort = _vrije_poort()
    srv = uvicorn.Server(uvicorn.Config(webapp, host="127.0.0.1", port=poort, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "de server startte niet"
    yield f"http://127.0.0.1:{poort}"
    srv.should_exit = True
    thread.join(timeout=30)


def _kapot(goed: Path, doel: Path, blad: str, rij: int, kolom: str, waarde: object) -> Path:
    """A copy of workbook ``goed`` as ``doel/ronde.xlsx`` with one bad cell."""
    wb = openpyxl.load_workbook(goed)
    kop = [c.value for c in wb[blad][1]]
    wb[blad].cell(row=rij, column=kop.index(kolom) + 1, value=waarde)
    doel.mkdir()
    wb.save(doel / "ronde.xlsx")
    return doel / "ronde.xlsx"


def _herstel(kapot: Path, goed: Path, blad: str, rij: int, kolom: str) -> None:
    """Put back in ``kapot`` the cell the page reported, as it is in ``goed``."""
    bron = openpyxl.load_workbook(goed)[blad]
    wb = openpyxl.load_workbook(kapot)
    kop = [c.value for c in wb[blad][1]]
    nummer = kop.index(kolom) + 1
    wb[blad].cell(row=rij, column=nummer, value=bron.cell(row=rij, column=nummer).value)
    wb.save(kapot)


def _cellen(rij: Any) -> list[str]:
    return [c.strip() for c in rij.locator("td").all_inner_texts()]


def test_regietafel_van_werkmap_met_fout_tot_download(server: str, tmp_path: Path) -> None:
    goed = voorbeeld_als_werkboek(VOORBEELD, tmp_path / "goed")
    werkmap = _kapot(goed, tmp_path / "kapot", "huishoudens", 3, "personen", "twee")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            pagina = browser.new_page(accept_downloads=True)
            pagina.goto(f"{server}/rondes")
            assert pagina.url.endswith("/inloggen")  # login required
            pagina.fill("input[name=naam]", "anna")
            pagina.fill("input[name=wachtwoord]", WACHTWOORD)
            pagina.click("button:has-text('Inloggen')")
            pagina.wait_for_url(f"{server}/rondes")

            # The empty template, from the upload form.
            with pagina.expect_download() as wachten:
                pagina.click("a:has-text('leeg sjabloon ronde.xlsx downloaden')")
            sjabloon = tmp_path / "sjabloon.xlsx"
            wachten.value.save_as(sjabloon)
            assert wachten.value.suggested_filename == "ronde.xlsx"
            bladen = openpyxl.load_workbook(sjabloon).sheetnames
            assert set(openpyxl.load_workbook(goed).sheetnames) <= set(bladen)

            # The example workbook with one bad cell: refused, the error on the page.
            pagina.set_input_files("input[name=bestanden]", str(werkmap))
            pagina.click("button:has-text('Ronde toevoegen')")
            pagina.wait_for_selector("#fouten")
            assert pagina.url == f"{server}/rondes"
            assert "De ronde is niet toegevoegd" in pagina.inner_text("#fouten h2")
            assert pagina.locator("#fouten h3").all_inner_texts() == [
                "ronde.xlsx [blad huishoudens] (1)"
            ]
            rijen = pagina.locator("#fouten table.fouten-bestand tbody tr")
            assert rijen.count() == 1
            rij, kolom, waarde, bericht = _cellen(rijen.first)
            assert (rij, kolom, waarde) == ("3", "personen", "twee"), bericht
            assert bericht
            assert "Nog geen rondes." in pagina.inner_text("main")

            # Fix exactly the reported cell of the reported sheet, and upload again.
            _herstel(werkmap, goed, "huishoudens", int(rij), kolom)
            pagina.set_input_files("input[name=bestanden]", str(werkmap))
            pagina.click("button:has-text('Ronde toevoegen')")
            pagina.wait_for_url(f"{server}/rondes/1")
            assert "Voorbeeldprovincie 2025-I (2025-I, PV99)" in pagina.inner_text("h1")
            assert "ronde.xlsx" in pagina.inner_text("main ul")

            pagina.click("button:has-text('Ronde doorrekenen')")
            pagina.wait_for_url(f"{server}/runs/1")
            # The status polls (htmx) and the page reloads itself when the run is done.
            pagina.wait_for_selector(".status-klaar", timeout=300_000)
            assert pagina.locator("#gemeenten tbody tr").count() == 12
            # The map, in its frame, from the application itself.
            kaart = pagina.frame_locator("#kaart")
            assert kaart.locator("#kaart-svg path[data-code]").count() == 12

            # Lock the first household in another gemeente, with a reason.
            pagina.click("a:has-text('Huishoudens')")
            pagina.wait_for_url(f"{server}/runs/1/huishoudens")
            rij = pagina.locator("#huishoudens tbody tr").first
            hid = rij.locator("td").nth(0).inner_text()
            van = rij.locator("td").nth(3).inner_text()  # "Naam (GM....)"
            naar = "GM9001" if "(GM9001)" not in van else "GM9002"
            rij.locator("a").click()
            pagina.wait_for_url(f"{server}/runs/1/huishoudens/{hid}")
            assert "harde criteria" in pagina.inner_text("#verklaring")
            pagina.check("#vastleggen input[value=vastzetten]")
            pagina.select_option("select[name=gemeente_code]", naar)
            pagina.fill("input[name=aanbod_id]", "")
            pagina.fill("#vastleggen input[name=reden]", "dichtbij werk")
            pagina.click("button:has-text('Bewaren')")
            pagina.wait_for_load_state()
            assert pagina.url == f"{server}/runs/1/huishoudens/{hid}"
            soort, doel, reden, wie = _cellen(pagina.locator("#vastleggingen tbody tr").first)[:4]
            assert (soort, reden, wie) == ("vastzetten", "dichtbij werk", "anna")
            assert doel.endswith(f"({naar})"), doel

            # Re-run with the lock and run 1 as the previous outcome.
            pagina.click("a:has-text('run 1')")
            pagina.wait_for_url(f"{server}/runs/1")
            pagina.click("button:has-text('Opnieuw doorrekenen')")
            pagina.wait_for_url(f"{server}/runs/2")
            pagina.wait_for_selector(".status-klaar", timeout=300_000)
            assert "Stabiel doorgerekend t.o.v. run 1" in pagina.inner_text("#beslissen")

            # Compare: the locked household moved to its gemeente, with the reason.
            pagina.click("button:has-text('Vergelijk')")
            pagina.wait_for_url(f"{server}/runs/2/vergelijk?met=1")
            verplaatst = pagina.locator("#verhuisd tbody tr").filter(
                has=pagina.get_by_role("link", name=hid, exact=True)
            )
            assert verplaatst.count() == 1
            _, _, naar_cel, reden_cel = _cellen(verplaatst)
            assert f"({naar})" in naar_cel and "vastgelegd" in reden_cel
            kop = pagina.inner_text("h2:has-text('Verschoven huishoudens')")
            verschoven = int(kop.split("(")[1].rstrip(")"))
            assert verschoven == pagina.locator("#verhuisd tbody tr").count() >= 1

            # Download the workbook of run 2: the lock holds in it.
            pagina.click("a:has-text('run 2')")
            pagina.wait_for_url(f"{server}/runs/2")
            with pagina.expect_download() as wachten:
                pagina.click("#hoofddownloads a:has-text('Werkmap (allocatie.xlsx)')")
            doel = tmp_path / "allocatie.xlsx"
            wachten.value.save_as(doel)
            wb = openpyxl.load_workbook(doel, read_only=True)
            assert {"Plaatsingen", "Verschuivingen"} <= set(wb.sheetnames)
            plaatsingen = [
                [str(c) for c in r] for r in wb["Plaatsingen"].iter_rows(values_only=True)
            ]
            assert any(hid in r and naar in r for r in plaatsingen), plaatsingen[:3]

            # Every action of this test is in the audit log, in order, and nothing else.
            pagina.click("header a:has-text('Auditlog')")
            pagina.wait_for_url(f"{server}/auditlog")
            assert pagina.locator("main form").count() == 0  # nothing to edit or delete
            regels = [_cellen(r) for r in pagina.locator("#audit tbody tr").all()]
            regels.reverse()  # the page shows the newest first
            assert [r[0] for r in regels] == sorted(r[0] for r in regels)
            assert {(r[1], r[2]) for r in regels} == {("anna", "PV99")}
            gezien = [(r[3], r[4]) for r in regels]
            assert gezien == [
                ("inloggen", ""),
                ("download", "sjabloon ronde.xlsx"),
                ("upload geweigerd", ""),
                ("upload", "ronde 1"),
                ("run gestart", "run 1 van ronde 1"),
                ("run klaar", "run 1 van ronde 1"),
                ("huishoudens bekeken", "run 1, pagina 1 van 3"),
                ("huishouden bekeken", f"run 1: huishouden {hid}"),
                ("vastzetten", f"huishouden {hid} op gemeente {naar} (ronde 1, vastlegging 1)"),
                ("huishouden bekeken", f"run 1: huishouden {hid}"),  # after saving
                ("run gestart", "run 2 van ronde 1, stabiel t.o.v. run 1"),
                ("run klaar", "run 2 van ronde 1"),
                ("vergelijking bekeken", f"run 1 en run 2: {verschoven} huishoudens verschoven"),
                ("download", "run 2: allocatie.xlsx"),
            ], gezien
            redenen = {r[3]: r[5] for r in regels if r[5]}
            assert redenen == {
                "upload geweigerd": f"bestand ronde.xlsx [blad huishoudens], rij 3, "
                f"kolom personen, waarde twee: {bericht}",
                "upload": "1 bestand: ronde.xlsx",
                "vastzetten": "dichtbij werk",
                "run gestart": "1 vastlegging",
            }
        finally:
            browser.close()

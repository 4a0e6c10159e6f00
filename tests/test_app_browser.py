"""End to end in a real browser (Playwright, system chromium).

Login, upload, run, lock a household with a reason, re-run stably, compare the
two runs, see the map, download the workbook, and find each action in the audit log.

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

import pytest

pytest.importorskip("starlette", reason="de app-onderdelen (allocatie[app]) ontbreken")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn (allocatie[app]) ontbreekt")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is niet geïnstalleerd")

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


def test_regietafel_van_upload_tot_vergelijking(server: str, tmp_path: Path) -> None:
    bestanden = [
        str(p) for p in sorted(VOORBEELD.iterdir()) if p.suffix in (".csv", ".toml", ".geojson")
    ]
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
            pagina.set_input_files("input[name=bestanden]", bestanden)
            pagina.click("button:has-text('Ronde toevoegen')")
            pagina.wait_for_url(f"{server}/rondes/1")
            assert "Voorbeeldprovincie 2025-I" in pagina.inner_text("h1")
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
            van = rij.locator("td").nth(3).inner_text()
            naar = "GM9001" if van != "GM9001" else "GM9002"
            rij.locator("a").click()
            pagina.wait_for_url(f"{server}/runs/1/huishoudens/{hid}")
            assert "harde criteria" in pagina.inner_text("#verklaring")
            pagina.select_option("select[name=gemeente_code]", naar)
            pagina.fill("input[name=aanbod_id]", "")
            pagina.fill("#vastleggen input[name=reden]", "dichtbij werk")
            pagina.click("button:has-text('Bewaren')")
            pagina.wait_for_load_state()
            assert "dichtbij werk" in pagina.inner_text("#vastleggingen")

            # Re-run with the lock and run 1 as the previous outcome.
            pagina.goto(f"{server}/runs/1")
            pagina.click("button:has-text('Opnieuw doorrekenen')")
            pagina.wait_for_url(f"{server}/runs/2")
            pagina.wait_for_selector(".status-klaar", timeout=300_000)
            assert "Stabiel doorgerekend t.o.v. run 1" in pagina.inner_text("#beslissen")

            # Compare: the locked household moved, with the reason.
            pagina.click("button:has-text('Vergelijk')")
            pagina.wait_for_url(f"{server}/runs/2/vergelijk?met=1")
            verhuisd = pagina.inner_text("#verhuisd")
            assert hid in verhuisd and naar in verhuisd and "vastgelegd" in verhuisd

            pagina.goto(f"{server}/runs/2")
            with pagina.expect_download() as wachten:
                pagina.click("#downloads a:has-text('allocatie.xlsx')")
            doel = tmp_path / "allocatie.xlsx"
            wachten.value.save_as(doel)
            assert doel.read_bytes()[:2] == b"PK"  # a workbook (zip)

            # Every action is in the audit log.
            pagina.click("a:has-text('Auditlog')")
            acties = pagina.locator("#audit tbody tr td:nth-child(4)").all_inner_texts()
            for actie in (
                "inloggen",
                "upload",
                "run gestart",
                "run klaar",
                "vastzetten",
                "download",
            ):
                assert actie in acties, (actie, acties)
            assert acties.count("run gestart") == 2
        finally:
            browser.close()

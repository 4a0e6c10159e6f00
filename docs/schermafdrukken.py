"""Screenshots of the main pages of ``allocatie app`` for docs/app.md (Playwright, system chromium).

Starts the application on a free local port with a scratch data folder, adds a
beheerder and a regisseur, uploads ``data/voorbeeld`` (once with three errors
in two files, once as it is), runs it, opens the households, locks one in
another gemeente with a reason, re-runs and compares, and saves PNGs of the
pages into ``docs/schermafdrukken/``: inloggen, alle-fouten, run, kaart,
huishoudens, huishouden, vergelijk, rondes, account, beheer, auditlog. Needs
the extra ``app``, playwright and a chromium (Debian package ``chromium``;
another with ``ALLOCATIE_CHROMIUM``):

    python docs/schermafdrukken.py
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import uvicorn
from playwright.sync_api import Page, sync_playwright

from allocatie.app.beveiliging import maak_gebruiker
from allocatie.app.web import Instellingen, maak_app

PROJECT = Path(__file__).resolve().parents[1]
VOORBEELD = PROJECT / "data" / "voorbeeld"
DOEL = PROJECT / "docs" / "schermafdrukken"
WACHTWOORD = "schermafdruk-wachtwoord"


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _kapotte_ronde(map_: Path) -> list[str]:
    """data/voorbeeld with three bad cells in two files; the files to upload."""
    shutil.copytree(VOORBEELD, map_)
    hh = (map_ / "huishoudens.csv").read_text(encoding="utf-8").splitlines()
    for i, kolom, waarde in ((1, 1, "twee"), (3, 3, "GM0000")):
        velden = hh[i].split(",")
        velden[kolom] = waarde
        hh[i] = ",".join(velden)
    (map_ / "huishoudens.csv").write_text("\n".join(hh) + "\n", encoding="utf-8")
    wa = (map_ / "woningaanbod.csv").read_text(encoding="utf-8").splitlines()
    velden = wa[2].split(",")
    velden[4] = "-3"
    wa[2] = ",".join(velden)
    (map_ / "woningaanbod.csv").write_text("\n".join(wa) + "\n", encoding="utf-8")
    return _bestanden(map_)


def _bestanden(map_: Path) -> list[str]:
    return [str(p) for p in sorted(map_.iterdir()) if p.suffix in (".csv", ".toml", ".geojson")]


def _foto(page: Page, naam: str) -> None:
    page.screenshot(path=str(DOEL / f"{naam}.png"), full_page=True)
    print(f"{DOEL / naam}.png")


def _inloggen(page: Page, adres: str, naam: str) -> None:
    page.goto(f"{adres}/inloggen")
    page.fill("input[name=naam]", naam)
    page.fill("input[name=wachtwoord]", WACHTWOORD)
    page.click("button:has-text('Inloggen')")


def main() -> int:
    chromium = os.environ.get("ALLOCATIE_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        print("geen chromium op deze machine (Debian: apt-get install chromium)")
        return 1
    DOEL.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="allocatie-schermafdrukken-") as tmp:
        webapp = maak_app(Instellingen(datamap=Path(tmp) / "data"))
        with webapp.state.sessies() as s, s.begin():
            maak_gebruiker(s, "bea", WACHTWOORD, "beheerder", None)
            maak_gebruiker(s, "anna", WACHTWOORD, "regisseur", "PV99")
            maak_gebruiker(s, "lies", WACHTWOORD, "lezer", "PV99")
        poort = _vrije_poort()
        config = uvicorn.Config(webapp, host="127.0.0.1", port=poort, log_level="warning")
        server = uvicorn.Server(config)
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        adres = f"http://127.0.0.1:{poort}"
        try:
            with sync_playwright() as p:
                # Dutch browser texts (the file field's button) where chromium has them.
                # On Linux chromium takes its language from LANGUAGE, not from --lang.
                browser = p.chromium.launch(
                    executable_path=chromium,
                    args=["--lang=nl"],
                    env={**os.environ, "LANGUAGE": "nl"},
                )
                page = browser.new_page(viewport={"width": 1200, "height": 800}, locale="nl-NL")
                page.goto(f"{adres}/inloggen")
                _foto(page, "inloggen")
                _inloggen(page, adres, "anna")
                page.set_input_files("input[type=file]", _kapotte_ronde(Path(tmp) / "kapot"))
                page.click("button:has-text('Ronde toevoegen')")
                page.wait_for_selector("#fouten")
                _foto(page, "alle-fouten")
                page.set_input_files("input[type=file]", _bestanden(VOORBEELD))
                page.click("button:has-text('Ronde toevoegen')")
                page.wait_for_url("**/rondes/1")
                page.click("button:has-text('Doorrekenen')")
                page.wait_for_selector("#gemeenten", timeout=600_000)
                page.frame_locator("#kaart").locator("#kaart-svg path").first.wait_for()
                _foto(page, "run")
                page.locator("#kaart").screenshot(path=str(DOEL / "kaart.png"))
                print(DOEL / "kaart.png")
                page.click("a:has-text('Huishoudens')")
                page.wait_for_selector("#huishoudens")
                _foto(page, "huishoudens")
                rij = page.locator("#huishoudens tbody tr").first
                hid = rij.locator("td").nth(0).inner_text()
                van = rij.locator("td").nth(3).inner_text()
                rij.locator("a").click()
                page.wait_for_selector("#vastleggen")
                page.select_option(
                    "select[name=gemeente_code]", "GM9001" if "(GM9001)" not in van else "GM9002"
                )
                page.fill("#vastleggen input[name=reden]", "werk in deze gemeente")
                page.click("button:has-text('Bewaren')")
                page.wait_for_selector("#vastleggingen tbody tr")
                page.goto(f"{adres}/runs/1")
                page.click("button:has-text('Opnieuw doorrekenen')")
                page.wait_for_url("**/runs/2")
                page.wait_for_selector("#gemeenten", timeout=600_000)
                page.click("button:has-text('Vergelijk')")
                page.wait_for_selector("#verhuisd")
                _foto(page, "vergelijk")
                page.goto(f"{adres}/runs/2/huishoudens/{quote(hid, safe='')}")
                page.wait_for_selector("#vastleggen")
                _foto(page, "huishouden")
                page.goto(f"{adres}/rondes")
                _foto(page, "rondes")
                page.goto(f"{adres}/account")
                _foto(page, "account")
                page.context.clear_cookies()
                _inloggen(page, adres, "bea")
                page.goto(f"{adres}/beheer")
                page.locator("form[action$='/intrekken']").nth(1).locator("button").click()
                page.wait_for_url("**/beheer")
                _foto(page, "beheer")
                page.goto(f"{adres}/auditlog")
                _foto(page, "auditlog")
                browser.close()
        finally:
            server.should_exit = True
    return 0


if __name__ == "__main__":
    sys.exit(main())

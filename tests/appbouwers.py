"""Shared builders of the web-application tests (``test_app*``).

A logged-in test client, the example round as an upload, polling a run until it is
done and reading the tables of a page. Kept out of the test files so that no test
file imports another (``test_huisregels``).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from allocatie.app.beveiliging import maak_gebruiker
from allocatie.app.web import Instellingen, maak_app

if TYPE_CHECKING:
    from starlette.testclient import TestClient

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"
WACHTWOORD = "geheim-wachtwoord-1"


def csrf(html: str) -> str:
    gevonden = re.search(r'name="csrf" value="([^"]+)"', html)
    assert gevonden, "geen CSRF-veld op de pagina"
    return gevonden.group(1)


def app_met_gebruikers(tmp_path: Path, workers: int | None = 1) -> Any:
    webapp = maak_app(Instellingen(datamap=tmp_path / "data", workers=workers))
    with webapp.state.sessies() as s, s.begin():
        maak_gebruiker(s, "anna", WACHTWOORD, "regisseur", "PV99")
        maak_gebruiker(s, "bert", WACHTWOORD, "regisseur", "PV20")
        maak_gebruiker(s, "lies", WACHTWOORD, "lezer", "PV99")
    return webapp


def login(client: TestClient, naam: str) -> str:
    """Log in; the CSRF token of the new session."""
    token = csrf(client.get("/inloggen").text)
    r = client.post("/inloggen", data={"naam": naam, "wachtwoord": WACHTWOORD, "csrf": token})
    assert r.status_code == 200 and "Rondes" in r.text, r.text
    return csrf(r.text)


def voorbeeldbestanden(**vervang: bytes) -> list[tuple[str, tuple[str, bytes, str]]]:
    bestanden = []
    for pad in sorted(VOORBEELD.iterdir()):
        if pad.suffix in (".csv", ".toml", ".geojson"):
            inhoud = vervang.get(pad.name, pad.read_bytes())
            bestanden.append(("bestanden", (pad.name, inhoud, "application/octet-stream")))
    return bestanden


def upload(client: TestClient, token: str, **vervang: bytes) -> Any:
    return client.post("/rondes", data={"csrf": token}, files=voorbeeldbestanden(**vervang))


def wacht(client: TestClient, run_url: str) -> str:
    """Poll the status fragment until the run is done (bounded); the run page."""
    for _ in range(600):
        status = client.get(f"{run_url}/status")
        assert status.status_code == 200
        if "HX-Refresh" in status.headers:
            break
        time.sleep(0.5)
    else:
        pytest.fail("de run werd niet klaar")
    return client.get(run_url).text


def gemeenterijen(html: str) -> list[list[str]]:
    """The cells of the per-gemeente table of a run page."""
    tabel = html.split('id="gemeenten"')[1].split("</table>")[0]
    return [re.findall(r"<td>(.*?)</td>", rij) for rij in tabel.split("</tr>")[1:-1]]


def foutrijen(html: str) -> list[list[str]]:
    """The errors on an upload page: [bestand, rij, kolom, waarde, bericht], in page order."""
    sectie = html.split('id="fouten"')[1].split("</section>")[0]
    uit = []
    for groep in sectie.split("<h3>")[1:]:
        bestand = groep.split("</h3>")[0].rsplit(" (", 1)[0]
        for rij in groep.split("<tbody>")[1].split("</tr>")[:-1]:
            uit.append([bestand, *re.findall(r"<td>(.*?)</td>", rij)])
    return uit

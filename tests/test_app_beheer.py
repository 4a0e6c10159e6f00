"""Account pages of the web application: beheer (beheerder only) and one's own password."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="de app-onderdelen (allocatie[app]) ontbreken")
pytest.importorskip("httpx2", reason="httpx2 (voor de TestClient) ontbreekt")

from appbouwers import WACHTWOORD, app_met_gebruikers, csrf, login, upload, wacht
from sqlalchemy import select
from starlette.testclient import TestClient

from allocatie.app.beveiliging import maak_gebruiker
from allocatie.app.db import AuditRegel, Gebruiker

NIEUW = "nieuw-wachtwoord-42"


@pytest.fixture
def webapp(tmp_path: Path) -> Any:
    webapp = app_met_gebruikers(tmp_path)
    with webapp.state.sessies() as s, s.begin():
        maak_gebruiker(s, "bea", WACHTWOORD, "beheerder", None)
    return webapp


def _probeer_login(client: TestClient, naam: str, wachtwoord: str) -> int:
    token = csrf(client.get("/inloggen").text)
    r = client.post("/inloggen", data={"naam": naam, "wachtwoord": wachtwoord, "csrf": token})
    return r.status_code


def _id(webapp: Any, naam: str) -> int:
    with webapp.state.sessies() as s:
        return s.scalars(select(Gebruiker.id).where(Gebruiker.naam == naam)).one()


def _audit(webapp: Any) -> list[AuditRegel]:
    with webapp.state.sessies() as s:
        return list(s.scalars(select(AuditRegel).order_by(AuditRegel.id)))


def _rijen(html: str) -> dict[str, list[str]]:
    tabel = html.split('id="gebruikers"')[1].split("</table>")[0]
    uit = {}
    for rij in tabel.split("</tr>")[1:-1]:
        cellen = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", rij, re.S)
        ]
        uit[cellen[0]] = cellen[1:5]
    return uit


def test_beheer_alleen_voor_beheerder(webapp: Any) -> None:
    """A regisseur or lezer gets 403 on every beheer page and cannot raise a role."""
    for naam in ("anna", "lies"):
        client = TestClient(webapp)
        token = login(client, naam)
        assert "/beheer" not in client.get("/rondes").text
        assert client.get("/beheer").status_code == 403
        r = client.post(
            "/beheer/gebruikers",
            data={"csrf": token, "naam": "mallory", "wachtwoord": NIEUW, "rol": "beheerder"},
        )
        assert r.status_code == 403
        eigen = _id(webapp, naam)
        for actie in ("wachtwoord", "intrekken", "herstellen"):
            r = client.post(
                f"/beheer/gebruikers/{eigen}/{actie}", data={"csrf": token, "wachtwoord": NIEUW}
            )
            assert r.status_code == 403, actie
    with webapp.state.sessies() as s:
        namen = {g.naam: g.rol for g in s.scalars(select(Gebruiker))}
    assert "mallory" not in namen and namen["anna"] == "regisseur"
    # Not logged in: to the login page.
    r = TestClient(webapp).get("/beheer", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/inloggen"


def test_beheerder_voegt_toe_en_lijst(webapp: Any) -> None:
    client = TestClient(webapp)
    token = login(client, "bea")
    pagina = client.get("/beheer")
    assert pagina.status_code == 200
    assert _rijen(pagina.text)["anna"] == [
        "regisseur",
        "PV99",
        _rijen(pagina.text)["anna"][2],
        "actief",
    ]
    r = client.post(
        "/beheer/gebruikers",
        data={
            "csrf": token,
            "naam": "carla",
            "wachtwoord": NIEUW,
            "rol": "lezer",
            "provincie": "PV27",
        },
    )
    assert r.status_code == 200 and _rijen(r.text)["carla"][:2] == ["lezer", "PV27"]
    assert _probeer_login(TestClient(webapp), "carla", NIEUW) == 200
    # Refusals, in Dutch, nothing added.
    for velden, tekst in (
        (
            {"naam": "dirk", "wachtwoord": "kort", "rol": "lezer", "provincie": "PV27"},
            "minstens 12",
        ),
        ({"naam": "dirk", "wachtwoord": NIEUW, "rol": "lezer", "provincie": ""}, "provincie"),
        ({"naam": "dirk", "wachtwoord": NIEUW, "rol": "lezer", "provincie": "Utrecht"}, "PV"),
        (
            {"naam": "dirk", "wachtwoord": NIEUW, "rol": "koning", "provincie": "PV27"},
            "onbekende rol",
        ),
        ({"naam": "carla", "wachtwoord": NIEUW, "rol": "lezer", "provincie": "PV27"}, "bestaat al"),
    ):
        r = client.post("/beheer/gebruikers", data={"csrf": token, **velden})
        assert r.status_code == 422 and tekst in r.text, velden
    assert "dirk" not in _rijen(client.get("/beheer").text)
    # CSRF on every beheer POST.
    r = client.post(
        "/beheer/gebruikers",
        data={
            "csrf": "fout",
            "naam": "eva",
            "wachtwoord": NIEUW,
            "rol": "lezer",
            "provincie": "PV27",
        },
    )
    assert r.status_code == 403
    for actie in ("wachtwoord", "intrekken", "herstellen"):
        r = client.post(
            f"/beheer/gebruikers/{_id(webapp, 'anna')}/{actie}", data={"wachtwoord": NIEUW}
        )
        assert r.status_code == 403, actie
    regels = [(a.gebruiker, a.actie, a.onderwerp) for a in _audit(webapp)]
    assert ("bea", "account toegevoegd", "gebruiker carla (lezer, PV27)") in regels
    assert not any(NIEUW in f"{a.onderwerp} {a.reden}" for a in _audit(webapp))


def test_intrekken_herstellen_en_wachtwoord_instellen(webapp: Any) -> None:
    anna = TestClient(webapp)
    login(anna, "anna")
    bea = TestClient(webapp)
    token = login(bea, "bea")
    uid = _id(webapp, "anna")
    r = bea.post(f"/beheer/gebruikers/{uid}/intrekken", data={"csrf": token})
    assert r.status_code == 200 and _rijen(r.text)["anna"][3] == "ingetrokken"
    # The open session of anna ends, and she cannot log in again.
    r = anna.get("/rondes", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/inloggen"
    assert _probeer_login(TestClient(webapp), "anna", WACHTWOORD) == 401
    # A reset keeps the account withdrawn ...
    r = bea.post(f"/beheer/gebruikers/{uid}/wachtwoord", data={"csrf": token, "wachtwoord": NIEUW})
    assert r.status_code == 200 and _rijen(r.text)["anna"][3] == "ingetrokken"
    assert _probeer_login(TestClient(webapp), "anna", NIEUW) == 401
    # ... restoring lets her in with the password set last; the old one no longer works.
    r = bea.post(f"/beheer/gebruikers/{uid}/herstellen", data={"csrf": token})
    assert _rijen(r.text)["anna"][3] == "actief"
    assert _probeer_login(TestClient(webapp), "anna", WACHTWOORD) == 401
    assert _probeer_login(TestClient(webapp), "anna", NIEUW) == 200
    # A new password set by the beheerder ends the sessions opened with the old one.
    anna = TestClient(webapp)
    _probeer_login(anna, "anna", NIEUW)
    assert anna.get("/rondes").status_code == 200
    r = bea.post(f"/beheer/gebruikers/{uid}/wachtwoord", data={"csrf": token, "wachtwoord": NIEUW})
    assert r.status_code == 200
    r = anna.get("/rondes", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/inloggen"
    # A weak reset is refused; a beheerder cannot withdraw itself.
    r = bea.post(f"/beheer/gebruikers/{uid}/wachtwoord", data={"csrf": token, "wachtwoord": "kort"})
    assert r.status_code == 422 and "minstens 12" in r.text
    r = bea.post(f"/beheer/gebruikers/{_id(webapp, 'bea')}/intrekken", data={"csrf": token})
    assert r.status_code == 422 and "eigen account" in r.text
    assert bea.post("/beheer/gebruikers/999/intrekken", data={"csrf": token}).status_code == 404
    acties = [(a.gebruiker, a.actie, a.provincie) for a in _audit(webapp)]
    for wat in ("account ingetrokken", "wachtwoord opnieuw ingesteld", "account hersteld"):
        assert ("bea", wat, "PV99") in acties
    assert ("anna", "inloggen mislukt", None) in acties
    assert not any(NIEUW in f"{a.onderwerp} {a.reden}" for a in _audit(webapp))


def test_eigen_wachtwoord_wijzigen(webapp: Any) -> None:
    for naam in ("lies", "anna", "bea"):  # every role
        client = TestClient(webapp)
        token = login(client, naam)
        assert 'href="/account"' in client.get("/rondes").text
        assert client.get("/account").status_code == 200
        for velden, tekst in (
            ({"oud": "verkeerd-wachtwoord", "nieuw": NIEUW, "herhaald": NIEUW}, "klopt niet"),
            ({"oud": WACHTWOORD, "nieuw": "kort", "herhaald": "kort"}, "minstens 12"),
            ({"oud": WACHTWOORD, "nieuw": NIEUW, "herhaald": NIEUW + "x"}, "niet gelijk"),
        ):
            r = client.post("/account", data={"csrf": token, **velden})
            assert r.status_code == 422 and tekst in r.text, velden
        assert (
            client.post(
                "/account", data={"oud": WACHTWOORD, "nieuw": NIEUW, "herhaald": NIEUW}
            ).status_code
            == 403
        )
        ander = TestClient(webapp)  # a second session of the same account, opened before
        login(ander, naam)
        r = client.post(
            "/account", data={"csrf": token, "oud": WACHTWOORD, "nieuw": NIEUW, "herhaald": NIEUW}
        )
        assert r.status_code == 200 and "gewijzigd" in r.text
        # This session goes on; the other one ends.
        assert client.get("/rondes").status_code == 200
        assert ander.get("/rondes", follow_redirects=False).status_code == 303
        assert _probeer_login(TestClient(webapp), naam, WACHTWOORD) == 401
        assert _probeer_login(TestClient(webapp), naam, NIEUW) == 200
    acties = [(a.gebruiker, a.actie) for a in _audit(webapp)]
    assert ("lies", "wachtwoord gewijzigd") in acties
    assert ("lies", "wachtwoord wijzigen geweigerd") in acties
    assert not any(NIEUW in f"{a.onderwerp} {a.reden}" for a in _audit(webapp))
    assert not any(WACHTWOORD in f"{a.onderwerp} {a.reden}" for a in _audit(webapp))


def test_downloads_bundel_scope_en_audit(webapp: Any, tmp_path: Path) -> None:
    """Workbook, report, archive and the zip of the whole run; audited; provincie-scoped."""
    import io
    import zipfile

    anna = TestClient(webapp)
    token = login(anna, "anna")
    assert upload(anna, token).status_code == 200
    anna.post("/rondes/1/runs", data={"csrf": token})
    pagina = wacht(anna, "/runs/1")
    hoofd = pagina.split('id="hoofddownloads"')[1].split("</p>")[0]
    for url in (
        "/runs/1/bundel.zip",
        "/runs/1/bestanden/rapport.html",
        "/runs/1/bestanden/allocatie.xlsx",
        "/runs/1/bestanden/ronde.gpkg",
    ):
        assert url in hoofd, url
    uitvoer = tmp_path / "data" / "runs" / "1" / "uitvoer"
    for naam in ("rapport.html", "allocatie.xlsx", "ronde.gpkg"):
        d = anna.get(f"/runs/1/bestanden/{naam}")
        assert d.status_code == 200 and d.content == (uitvoer / naam).read_bytes(), naam
    d = anna.get("/runs/1/bundel.zip")
    assert d.status_code == 200 and d.headers["content-type"] == "application/zip"
    assert 'filename="run-1.zip"' in d.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(d.content)) as z:
        namen = set(z.namelist())
        verwacht = {f"run-1/{p.name}" for p in uitvoer.iterdir() if p.name != "overzicht.json"}
        assert namen == verwacht
        assert z.read("run-1/plaatsingen.csv") == (uitvoer / "plaatsingen.csv").read_bytes()
    assert {"run-1/rapport.html", "run-1/allocatie.xlsx", "run-1/ronde.gpkg"} <= namen
    # A second download serves the same bundle.
    assert anna.get("/runs/1/bundel.zip").content == d.content

    # The lezer of the same provincie may; another provincie's regisseur sees nothing.
    lies = TestClient(webapp)
    login(lies, "lies")
    assert lies.get("/runs/1/bundel.zip").status_code == 200
    bert = TestClient(webapp)
    login(bert, "bert")
    for url in (
        "/runs/1/bundel.zip",
        "/runs/1/bestanden/rapport.html",
        "/runs/1/bestanden/ronde.gpkg",
    ):
        assert bert.get(url).status_code == 404, url
    assert TestClient(webapp).get("/runs/1/bundel.zip", follow_redirects=False).status_code == 303
    # A beheerder sees every provincie.
    bea = TestClient(webapp)
    login(bea, "bea")
    assert bea.get("/runs/1/bundel.zip").status_code == 200

    downloads = [
        (a.gebruiker, a.provincie, a.onderwerp) for a in _audit(webapp) if a.actie == "download"
    ]
    for naam in ("rapport.html", "allocatie.xlsx", "ronde.gpkg", "run-1.zip"):
        assert ("anna", "PV99", f"run 1: {naam}") in downloads, naam
    assert ("lies", "PV99", "run 1: run-1.zip") in downloads
    assert ("bea", "PV99", "run 1: run-1.zip") in downloads
    assert not any(g == "bert" for g, _, _ in downloads)


def test_bundel_alleen_van_een_klare_run(webapp: Any) -> None:
    from allocatie.app.db import Run

    anna = TestClient(webapp)
    token = login(anna, "anna")

    assert upload(anna, token).status_code == 200
    with webapp.state.sessies() as s, s.begin():
        s.add(Run(ronde_id=1, gebruiker_id=_id(webapp, "anna"), status="bezig", uitvoer="runs/1"))
    assert anna.get("/runs/1/bundel.zip").status_code == 404

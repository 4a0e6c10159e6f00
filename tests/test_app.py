"""The web application (allocatie.app): login, scoping, CSRF, upload, run, downloads, audit."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="de app-onderdelen (allocatie[app]) ontbreken")
pytest.importorskip("httpx2", reason="httpx2 (voor de TestClient) ontbreekt")

from bouwers import voorbeeld_als_werkboek
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from starlette.testclient import TestClient

from allocatie.app.beveiliging import maak_gebruiker
from allocatie.app.db import AuditFout, AuditRegel
from allocatie.app.web import Instellingen, maak_app

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"
WACHTWOORD = "geheim-wachtwoord-1"


def _csrf(html: str) -> str:
    gevonden = re.search(r'name="csrf" value="([^"]+)"', html)
    assert gevonden, "geen CSRF-veld op de pagina"
    return gevonden.group(1)


def _app(tmp_path: Path, workers: int | None = 1) -> Any:
    webapp = maak_app(Instellingen(datamap=tmp_path / "data", workers=workers))
    with webapp.state.sessies() as s, s.begin():
        maak_gebruiker(s, "anna", WACHTWOORD, "regisseur", "PV99")
        maak_gebruiker(s, "bert", WACHTWOORD, "regisseur", "PV20")
        maak_gebruiker(s, "lies", WACHTWOORD, "lezer", "PV99")
    return webapp


def _login(client: TestClient, naam: str) -> str:
    """Log in; the CSRF token of the new session."""
    token = _csrf(client.get("/inloggen").text)
    r = client.post("/inloggen", data={"naam": naam, "wachtwoord": WACHTWOORD, "csrf": token})
    assert r.status_code == 200 and "Rondes" in r.text, r.text
    return _csrf(r.text)


def _voorbeeldbestanden(**vervang: bytes) -> list[tuple[str, tuple[str, bytes, str]]]:
    bestanden = []
    for pad in sorted(VOORBEELD.iterdir()):
        if pad.suffix in (".csv", ".toml", ".geojson"):
            inhoud = vervang.get(pad.name, pad.read_bytes())
            bestanden.append(("bestanden", (pad.name, inhoud, "application/octet-stream")))
    return bestanden


def _upload(client: TestClient, token: str, **vervang: bytes) -> Any:
    return client.post("/rondes", data={"csrf": token}, files=_voorbeeldbestanden(**vervang))


def _wacht(client: TestClient, run_url: str) -> str:
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


def _gemeenterijen(html: str) -> list[list[str]]:
    """The cells of the per-gemeente table of a run page."""
    tabel = html.split('id="gemeenten"')[1].split("</table>")[0]
    return [re.findall(r"<td>(.*?)</td>", rij) for rij in tabel.split("</tr>")[1:-1]]


def _foutrijen(html: str) -> list[list[str]]:
    """The errors on an upload page: [bestand, rij, kolom, waarde, bericht], in page order."""
    sectie = html.split('id="fouten"')[1].split("</section>")[0]
    uit = []
    for groep in sectie.split("<h3>")[1:]:
        bestand = groep.split("</h3>")[0].rsplit(" (", 1)[0]
        for rij in groep.split("<tbody>")[1].split("</tr>")[:-1]:
            uit.append([bestand, *re.findall(r"<td>(.*?)</td>", rij)])
    return uit


@pytest.fixture
def webapp(tmp_path: Path) -> Any:
    return _app(tmp_path)


def test_inloggen_vereist_overal(webapp: Any) -> None:
    client = TestClient(webapp)
    for url in ("/rondes", "/rondes/1", "/runs/1", "/runs/1/status", "/auditlog"):
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/inloggen", url
    r = client.get("/runs/1/bestanden/plaatsingen.csv", follow_redirects=False)
    assert r.headers["location"] == "/inloggen"
    # A POST without a login is refused (without a session there is no CSRF token either).
    for url in (
        "/rondes",
        "/rondes/1/runs",
        "/beheer/gebruikers",
        "/beheer/gebruikers/1/intrekken",
        "/account",
        "/uitloggen",
    ):
        assert client.post(url, data={"csrf": "x"}, follow_redirects=False).status_code in (
            303,
            403,
        )


def test_verkeerd_wachtwoord_en_audit(webapp: Any) -> None:
    client = TestClient(webapp)
    token = _csrf(client.get("/inloggen").text)
    r = client.post("/inloggen", data={"naam": "anna", "wachtwoord": "fout", "csrf": token})
    assert r.status_code == 401 and "onjuist wachtwoord" in r.text
    with webapp.state.sessies() as s:
        acties = [(a.gebruiker, a.actie) for a in s.scalars(select(AuditRegel))]
    assert acties == [("anna", "inloggen mislukt")]
    with webapp.state.sessies() as s:
        hash_ = s.execute(text("SELECT wachtwoord_hash FROM gebruikers WHERE naam='anna'")).scalar()
    assert str(hash_).startswith("$argon2id$") and WACHTWOORD not in str(hash_)


def test_csrf_op_elke_post(webapp: Any) -> None:
    client = TestClient(webapp)
    # Login form without or with a wrong token.
    client.get("/inloggen")
    r = client.post("/inloggen", data={"naam": "anna", "wachtwoord": WACHTWOORD})
    assert r.status_code == 403 and "CSRF" in r.text
    token = _login(client, "anna")
    assert _upload(client, token).status_code == 200  # with the token: accepted
    for url in (
        "/rondes",
        "/rondes/1/runs",
        "/beheer/gebruikers",
        "/beheer/gebruikers/1/intrekken",
        "/account",
        "/uitloggen",
    ):
        for data in ({}, {"csrf": "verkeerd"}):
            r = client.post(url, data=data, follow_redirects=False)
            assert r.status_code == 403, (url, data)
    # Every POST route of the application is in the list above (or is the login form).
    posts = {
        route.path
        for route in webapp.routes
        if "POST" in (getattr(route, "methods", None) or set())
    }
    assert posts == {
        "/inloggen",
        "/rondes",
        "/rondes/{ronde_id:int}/runs",
        "/beheer/gebruikers",
        "/beheer/gebruikers/{gebruiker_id:int}/{actie:str}",
        "/account",
        "/uitloggen",
    }


def test_upload_voorbeeld_valideert(webapp: Any) -> None:
    client = TestClient(webapp)
    token = _login(client, "anna")
    r = _upload(client, token)
    assert r.status_code == 200, r.text
    assert str(r.url).endswith("/rondes/1")
    assert "Voorbeeldprovincie 2025-I" in r.text and "huishoudens.csv" in r.text
    with webapp.state.sessies() as s:
        regels = list(s.scalars(select(AuditRegel).where(AuditRegel.actie == "upload")))
    assert [(a.gebruiker, a.provincie, a.onderwerp) for a in regels] == [
        ("anna", "PV99", "ronde 1")
    ]


def test_upload_zonder_rondetoml(webapp: Any) -> None:
    client = TestClient(webapp)
    token = _login(client, "anna")
    bestanden = [b for b in _voorbeeldbestanden() if b[1][0] != "ronde.toml"]
    r = client.post(
        "/rondes",
        data={"csrf": token, "naam": "Zonder toml", "periode": "2025-II"},
        files=bestanden,
    )
    assert r.status_code == 200 and "Zonder toml (2025-II, PV99)" in r.text


def test_kapotte_csv_toont_bestand_rij_kolom(webapp: Any) -> None:
    client = TestClient(webapp)
    token = _login(client, "anna")
    regels = (VOORBEELD / "huishoudens.csv").read_text(encoding="utf-8").splitlines()
    velden = regels[2].split(",")
    velden[1] = "twee"  # personen of the second household (spreadsheet row 3)
    regels[2] = ",".join(velden)
    kapot = ("\n".join(regels) + "\n").encode("utf-8")
    r = _upload(client, token, **{"huishoudens.csv": kapot})
    assert r.status_code == 422
    cellen = _foutrijen(r.text)[0]
    assert cellen[:4] == ["huishoudens.csv", "3", "personen", "twee"], cellen
    with webapp.state.sessies() as s:
        assert s.scalars(select(AuditRegel).where(AuditRegel.actie == "upload geweigerd")).one()


def test_alle_fouten_van_een_upload_per_bestand(webapp: Any) -> None:
    """Three errors in two files: the page lists all three, grouped per file."""
    client = TestClient(webapp)
    token = _login(client, "anna")
    hh = (VOORBEELD / "huishoudens.csv").read_text(encoding="utf-8").splitlines()
    for i, (kolom, waarde) in ((1, (1, "twee")), (3, (3, "GM0000"))):
        velden = hh[i].split(",")
        velden[kolom] = waarde
        hh[i] = ",".join(velden)
    wa = (VOORBEELD / "woningaanbod.csv").read_text(encoding="utf-8").splitlines()
    velden = wa[2].split(",")
    velden[4] = "-3"  # woningen
    wa[2] = ",".join(velden)
    r = _upload(
        client,
        token,
        **{
            "huishoudens.csv": ("\n".join(hh) + "\n").encode(),
            "woningaanbod.csv": ("\n".join(wa) + "\n").encode(),
        },
    )
    assert r.status_code == 422
    rijen = [c[:4] for c in _foutrijen(r.text)]
    assert rijen == [
        ["huishoudens.csv", "2", "personen", "twee"],
        ["huishoudens.csv", "4", "azc_gemeente", "GM0000"],
        ["woningaanbod.csv", "3", "woningen", "-3"],
    ]
    assert "<h3>huishoudens.csv (2)</h3>" in r.text and "<h3>woningaanbod.csv (1)</h3>" in r.text
    with webapp.state.sessies() as s:
        regel = s.scalars(select(AuditRegel).where(AuditRegel.actie == "upload geweigerd")).one()
    assert regel.reden.startswith("3 fouten: ") and "woningaanbod.csv" in regel.reden


def test_alle_fouten_van_een_werkmap_per_blad(webapp: Any, tmp_path: Path) -> None:
    client = TestClient(webapp)
    token = _login(client, "anna")
    kapot = _werkboek(
        tmp_path, huishoudens=(3, "personen", "twee"), woningaanbod=(2, "woningen", -1)
    )
    rijen = [c[:4] for c in _foutrijen(_upload_werkboek(client, token, kapot).text)]
    assert rijen == [
        ["ronde.xlsx [blad huishoudens]", "3", "personen", "twee"],
        ["ronde.xlsx [blad woningaanbod]", "2", "woningen", "-1"],
    ]


def _werkboek(tmp_path: Path, **cellen: Any) -> bytes:
    """data/voorbeeld as ronde.xlsx; ``cellen``: {blad: (rij, kolomnaam, waarde)}."""
    import openpyxl

    pad = voorbeeld_als_werkboek(VOORBEELD, tmp_path / "werkboek")
    if cellen:
        wb = openpyxl.load_workbook(pad)
        for blad, (rij, kolom, waarde) in cellen.items():
            kop = [c.value for c in wb[blad][1]]
            wb[blad].cell(row=rij, column=kop.index(kolom) + 1, value=waarde)
        wb.save(pad)
    return pad.read_bytes()


def _upload_werkboek(client: TestClient, token: str, inhoud: bytes) -> Any:
    soort = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return client.post(
        "/rondes", data={"csrf": token}, files=[("bestanden", ("ronde.xlsx", inhoud, soort))]
    )


def test_upload_werkboek_valideert(webapp: Any, tmp_path: Path) -> None:
    client = TestClient(webapp)
    token = _login(client, "anna")
    r = _upload_werkboek(client, token, _werkboek(tmp_path))
    assert r.status_code == 200, r.text
    assert str(r.url).endswith("/rondes/1")
    assert "Voorbeeldprovincie 2025-I (2025-I, PV99)" in r.text and "ronde.xlsx" in r.text
    with webapp.state.sessies() as s:
        regel = s.scalars(select(AuditRegel).where(AuditRegel.actie == "upload")).one()
    assert regel.reden == "1 bestanden: ronde.xlsx"


def test_kapotte_werkboekcel_toont_blad_rij_kolom(webapp: Any, tmp_path: Path) -> None:
    client = TestClient(webapp)
    token = _login(client, "anna")
    kapot = _werkboek(tmp_path, huishoudens=(3, "personen", "twee"))
    r = _upload_werkboek(client, token, kapot)
    assert r.status_code == 422
    cellen = _foutrijen(r.text)[0]
    assert cellen[:4] == ["ronde.xlsx [blad huishoudens]", "3", "personen", "twee"], cellen
    with webapp.state.sessies() as s:
        regel = s.scalars(select(AuditRegel).where(AuditRegel.actie == "upload geweigerd")).one()
    assert "blad huishoudens" in regel.reden


def test_werkboekronde_doorrekenen(webapp: Any, tmp_path: Path) -> None:
    client = TestClient(webapp)
    token = _login(client, "anna")
    assert _upload_werkboek(client, token, _werkboek(tmp_path)).status_code == 200
    r = client.post("/rondes/1/runs", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/runs/1"
    pagina = _wacht(client, "/runs/1")
    assert "status-klaar" in pagina, pagina
    assert len(_gemeenterijen(pagina)) == 12
    d = client.get("/runs/1/bestanden/plaatsingen.csv")
    assert d.status_code == 200 and d.text.startswith("huishouden_id")
    assert len(d.text.strip().splitlines()) > 1


def test_sjabloon_downloaden(webapp: Any, tmp_path: Path) -> None:
    import openpyxl

    from allocatie.invoer.sjabloon import BLADEN, schrijf_sjabloon

    client = TestClient(webapp)
    assert client.get("/sjabloon", follow_redirects=False).status_code == 303
    _login(client, "lies")
    assert 'href="/sjabloon"' not in client.get("/rondes").text  # lezer: no upload form
    r = client.get("/sjabloon")
    assert r.status_code == 200 and "ronde.xlsx" in r.headers["content-disposition"]
    (tmp_path / "gekregen.xlsx").write_bytes(r.content)
    gekregen = openpyxl.load_workbook(tmp_path / "gekregen.xlsx")
    eigen = openpyxl.load_workbook(schrijf_sjabloon(tmp_path / "eigen"))
    assert gekregen.sheetnames == eigen.sheetnames and set(BLADEN) <= set(gekregen.sheetnames)
    for blad in eigen.sheetnames:
        assert [[c.value for c in rij] for rij in gekregen[blad].iter_rows()] == [
            [c.value for c in rij] for rij in eigen[blad].iter_rows()
        ], blad
    with webapp.state.sessies() as s:
        regel = s.scalars(select(AuditRegel).where(AuditRegel.actie == "download")).one()
    assert (regel.gebruiker, regel.onderwerp) == ("lies", "sjabloon ronde.xlsx")


def test_upload_weigert_vreemde_bestanden_en_lezer(webapp: Any) -> None:
    client = TestClient(webapp)
    token = _login(client, "anna")
    r = client.post(
        "/rondes",
        data={"csrf": token},
        files=[("bestanden", ("script.exe", b"MZ", "application/octet-stream"))],
    )
    assert r.status_code == 422 and "alleen .csv" in r.text
    lezer = TestClient(webapp)
    token = _login(lezer, "lies")
    assert _upload(lezer, token).status_code == 403


def test_uploadlimiet(tmp_path: Path) -> None:
    webapp = maak_app(Instellingen(datamap=tmp_path / "d", max_upload=10_000))
    with webapp.state.sessies() as s, s.begin():
        maak_gebruiker(s, "anna", WACHTWOORD, "regisseur", "PV99")
    client = TestClient(webapp)
    token = _login(client, "anna")
    assert _upload(client, token).status_code == 413


def test_run_downloads_scope_en_audit(tmp_path: Path) -> None:
    # The production path: the solve in a local process through allocatie.kern.sweep.
    webapp = _app(tmp_path, workers=None)
    anna = TestClient(webapp)
    token = _login(anna, "anna")
    assert _upload(anna, token).status_code == 200
    r = anna.post("/rondes/1/runs", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/runs/1"
    pagina = _wacht(anna, "/runs/1")
    assert "status-klaar" in pagina, pagina
    assert 'id="gemeenten"' in pagina and "Geplaatst:" in pagina
    for naam in ("plaatsingen.csv", "allocatie.xlsx", "rapport.html", "ronde.gpkg"):
        assert f"/runs/1/bestanden/{naam}" in pagina
    d = anna.get("/runs/1/bestanden/plaatsingen.csv")
    assert d.status_code == 200 and d.text.startswith("huishouden_id")
    assert anna.get("/runs/1/bestanden/..%2Fapp.sqlite").status_code == 404
    alle = _gemeenterijen(pagina)
    assert len(alle) == 12 and {r[1] for r in alle} == {"PV99"}
    assert _gemeenterijen(anna.get("/runs/1?provincie=PV99").text) == alle
    assert _gemeenterijen(anna.get("/runs/1?provincie=PV00").text) == []

    # Another provincie sees nothing of it, by any URL.
    bert = TestClient(webapp)
    token_b = _login(bert, "bert")
    assert "Voorbeeldprovincie" not in bert.get("/rondes").text
    for url in (
        "/rondes/1",
        "/runs/1",
        "/runs/1/status",
        "/runs/1/bestanden/plaatsingen.csv",
        "/runs/1/bestanden/rapport.html",
    ):
        assert bert.get(url).status_code == 404, url
    assert bert.post("/rondes/1/runs", data={"csrf": token_b}).status_code == 404
    assert "anna" not in bert.get("/auditlog").text
    # The lezer of the same provincie reads, cannot run.
    lies = TestClient(webapp)
    token_l = _login(lies, "lies")
    assert lies.get("/runs/1/bestanden/plaatsingen.csv").status_code == 200
    assert lies.post("/rondes/1/runs", data={"csrf": token_l}).status_code == 403

    with webapp.state.sessies() as s:
        acties = [(a.gebruiker, a.actie) for a in s.scalars(select(AuditRegel))]
    for verwacht in (
        ("anna", "inloggen"),
        ("anna", "upload"),
        ("anna", "run gestart"),
        ("anna", "run klaar"),
        ("anna", "download"),
        ("lies", "download"),
    ):
        assert verwacht in acties
    assert "download" in anna.get("/auditlog").text


def test_auditlog_kan_niet_worden_gewijzigd(webapp: Any) -> None:
    client = TestClient(webapp)
    _login(client, "anna")
    sessies = webapp.state.sessies
    # Through the ORM: refused before it reaches the database.
    with sessies() as s:
        regel = s.scalars(select(AuditRegel)).first()
        assert regel is not None
        regel.reden = "achteraf aangepast"
        with pytest.raises(AuditFout, match="alleen worden aangevuld"):
            s.commit()
    with sessies() as s:
        regel = s.scalars(select(AuditRegel)).first()
        s.delete(regel)
        with pytest.raises(AuditFout):
            s.commit()
    # Past the ORM, in plain SQL: the database trigger refuses.
    with sessies() as s:
        for sql in ("UPDATE auditlog SET reden = 'x'", "DELETE FROM auditlog"):
            with pytest.raises(DatabaseError, match="alleen worden aangevuld"):
                s.execute(text(sql))
            s.rollback()
    with sessies() as s:
        regels = list(s.scalars(select(AuditRegel)))
    assert [(r.actie, r.reden) for r in regels] == [("inloggen", "")]


def test_uitloggen(webapp: Any) -> None:
    client = TestClient(webapp)
    token = _login(client, "anna")
    r = client.post("/uitloggen", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/rondes", follow_redirects=False).status_code == 303


def test_migratie_is_herhaalbaar(tmp_path: Path) -> None:
    _app(tmp_path)
    webapp = maak_app(Instellingen(datamap=tmp_path / "data"))  # same database, again
    with webapp.state.sessies() as s:
        versie = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert versie == "0001"
        assert s.execute(text("SELECT count(*) FROM gebruikers")).scalar() == 3


def test_cli_gebruiker_en_niet_lokaal_adres(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from allocatie.cli import app as cli

    runner = CliRunner()
    datamap = str(tmp_path / "regie")
    # Without accounts a non-local address is refused, before anything listens.
    r = runner.invoke(cli, ["app", "--host", "0.0.0.0", "--datamap", datamap, "--geen-browser"])
    assert r.exit_code == 2 and "alleen op een ander adres" in r.output
    r = runner.invoke(
        cli,
        ["app", "gebruiker", "toevoegen", "anna", "--rol", "regisseur", "--datamap", datamap],
        input=f"{WACHTWOORD}\n{WACHTWOORD}\n",
    )
    assert r.exit_code == 2 and "hoort bij één provincie" in r.output  # no provincie given
    assert "Nogmaals ter bevestiging" in r.output
    for argumenten, melding in (
        (["anna", "--rol", "regisseur", "--provincie", "PV99"], "toegevoegd: regisseur van PV99"),
        (["anna", "--rol", "regisseur", "--provincie", "PV99"], "bestaat al"),
        (["kees", "--rol", "baas", "--provincie", "PV99"], "onbekende rol"),
    ):
        r = runner.invoke(
            cli,
            ["app", "gebruiker", "toevoegen", *argumenten, "--datamap", datamap],
            env={"ALLOCATIE_APP_WACHTWOORD": WACHTWOORD},
        )
        assert melding in r.output, r.output
    # With an account the address is accepted: uvicorn would start (not run here).
    gestart: list[tuple[str, int]] = []
    monkeypatch.setattr("uvicorn.run", lambda _app, host, port, **_: gestart.append((host, port)))
    r = runner.invoke(cli, ["app", "--host", "0.0.0.0", "--datamap", datamap, "--geen-browser"])
    assert r.exit_code == 0, r.output
    assert gestart == [("0.0.0.0", 8765)]


def test_cli_zonder_extra_nederlandse_melding(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from typer.testing import CliRunner

    from allocatie.cli import app as cli

    monkeypatch.setitem(sys.modules, "alembic", None)  # as if not installed
    r = CliRunner().invoke(cli, ["app", "--geen-browser"])
    assert r.exit_code == 2
    assert "pip install 'allocatie[app]'" in r.output and "alembic" in r.output

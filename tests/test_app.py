"""The web application (allocatie.app): login, scoping, CSRF, upload, run, downloads, audit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="de app-onderdelen (allocatie[app]) ontbreken")
pytest.importorskip("httpx2", reason="httpx2 (voor de TestClient) ontbreekt")

from appbouwers import (
    VOORBEELD,
    WACHTWOORD,
    app_met_gebruikers,
    csrf,
    foutrijen,
    gemeenterijen,
    login,
    upload,
    voorbeeldbestanden,
    wacht,
)
from bouwers import voorbeeld_als_werkboek
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from starlette.testclient import TestClient

from allocatie.app.beveiliging import maak_gebruiker
from allocatie.app.db import AuditFout, AuditRegel
from allocatie.app.web import Instellingen, maak_app


@pytest.fixture
def webapp(tmp_path: Path) -> Any:
    return app_met_gebruikers(tmp_path)


#: The POST routes of allocatie.app.beslissingen (tested in test_app_beslissingen.py).
BESLIS_POSTS = {
    "/runs/{run_id:int}/huishoudens/{hid:path}/vastleggen",
    "/runs/{run_id:int}/vastleggingen/{vid:int}/verwijderen",
    "/runs/{run_id:int}/opnieuw",
}


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
    token = csrf(client.get("/inloggen").text)
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
    token = login(client, "anna")
    assert upload(client, token).status_code == 200  # with the token: accepted
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
        *BESLIS_POSTS,
    }


def test_upload_voorbeeld_valideert(webapp: Any) -> None:
    client = TestClient(webapp)
    token = login(client, "anna")
    r = upload(client, token)
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
    token = login(client, "anna")
    bestanden = [b for b in voorbeeldbestanden() if b[1][0] != "ronde.toml"]
    r = client.post(
        "/rondes",
        data={"csrf": token, "naam": "Zonder toml", "periode": "2025-II"},
        files=bestanden,
    )
    assert r.status_code == 200 and "Zonder toml (2025-II, PV99)" in r.text


def test_kapotte_csv_toont_bestand_rij_kolom(webapp: Any) -> None:
    client = TestClient(webapp)
    token = login(client, "anna")
    regels = (VOORBEELD / "huishoudens.csv").read_text(encoding="utf-8").splitlines()
    velden = regels[2].split(",")
    velden[1] = "twee"  # personen of the second household (spreadsheet row 3)
    regels[2] = ",".join(velden)
    kapot = ("\n".join(regels) + "\n").encode("utf-8")
    r = upload(client, token, **{"huishoudens.csv": kapot})
    assert r.status_code == 422
    cellen = foutrijen(r.text)[0]
    assert cellen[:4] == ["huishoudens.csv", "3", "personen", "twee"], cellen
    with webapp.state.sessies() as s:
        assert s.scalars(select(AuditRegel).where(AuditRegel.actie == "upload geweigerd")).one()


def test_alle_fouten_van_een_upload_per_bestand(webapp: Any) -> None:
    """Three errors in two files: the page lists all three, grouped per file."""
    client = TestClient(webapp)
    token = login(client, "anna")
    hh = (VOORBEELD / "huishoudens.csv").read_text(encoding="utf-8").splitlines()
    for i, (kolom, waarde) in ((1, (1, "twee")), (3, (3, "GM0000"))):
        velden = hh[i].split(",")
        velden[kolom] = waarde
        hh[i] = ",".join(velden)
    wa = (VOORBEELD / "woningaanbod.csv").read_text(encoding="utf-8").splitlines()
    velden = wa[2].split(",")
    velden[4] = "-3"  # woningen
    wa[2] = ",".join(velden)
    r = upload(
        client,
        token,
        **{
            "huishoudens.csv": ("\n".join(hh) + "\n").encode(),
            "woningaanbod.csv": ("\n".join(wa) + "\n").encode(),
        },
    )
    assert r.status_code == 422
    rijen = [c[:4] for c in foutrijen(r.text)]
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
    token = login(client, "anna")
    kapot = _werkboek(
        tmp_path, huishoudens=(3, "personen", "twee"), woningaanbod=(2, "woningen", -1)
    )
    rijen = [c[:4] for c in foutrijen(_upload_werkboek(client, token, kapot).text)]
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
    token = login(client, "anna")
    r = _upload_werkboek(client, token, _werkboek(tmp_path))
    assert r.status_code == 200, r.text
    assert str(r.url).endswith("/rondes/1")
    assert "Voorbeeldprovincie 2025-I (2025-I, PV99)" in r.text and "ronde.xlsx" in r.text
    with webapp.state.sessies() as s:
        regel = s.scalars(select(AuditRegel).where(AuditRegel.actie == "upload")).one()
    assert regel.reden == "1 bestand: ronde.xlsx"


def test_kapotte_werkboekcel_toont_blad_rij_kolom(webapp: Any, tmp_path: Path) -> None:
    client = TestClient(webapp)
    token = login(client, "anna")
    kapot = _werkboek(tmp_path, huishoudens=(3, "personen", "twee"))
    r = _upload_werkboek(client, token, kapot)
    assert r.status_code == 422
    cellen = foutrijen(r.text)[0]
    assert cellen[:4] == ["ronde.xlsx [blad huishoudens]", "3", "personen", "twee"], cellen
    with webapp.state.sessies() as s:
        regel = s.scalars(select(AuditRegel).where(AuditRegel.actie == "upload geweigerd")).one()
    assert "blad huishoudens" in regel.reden


def test_werkboekronde_doorrekenen(webapp: Any, tmp_path: Path) -> None:
    client = TestClient(webapp)
    token = login(client, "anna")
    assert _upload_werkboek(client, token, _werkboek(tmp_path)).status_code == 200
    r = client.post("/rondes/1/runs", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/runs/1"
    pagina = wacht(client, "/runs/1")
    assert "status-klaar" in pagina, pagina
    assert len(gemeenterijen(pagina)) == 12
    d = client.get("/runs/1/bestanden/plaatsingen.csv")
    assert d.status_code == 200 and d.text.startswith("huishouden_id")
    assert len(d.text.strip().splitlines()) > 1


def test_sjabloon_downloaden(webapp: Any, tmp_path: Path) -> None:
    import openpyxl

    from allocatie.invoer.sjabloon import BLADEN, schrijf_sjabloon

    client = TestClient(webapp)
    assert client.get("/sjabloon", follow_redirects=False).status_code == 303
    login(client, "lies")
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
    token = login(client, "anna")
    r = client.post(
        "/rondes",
        data={"csrf": token},
        files=[("bestanden", ("script.exe", b"MZ", "application/octet-stream"))],
    )
    assert r.status_code == 422 and "alleen .csv" in r.text
    lezer = TestClient(webapp)
    token = login(lezer, "lies")
    assert upload(lezer, token).status_code == 403


def test_uploadlimiet(tmp_path: Path) -> None:
    webapp = maak_app(Instellingen(datamap=tmp_path / "d", max_upload=10_000))
    with webapp.state.sessies() as s, s.begin():
        maak_gebruiker(s, "anna", WACHTWOORD, "regisseur", "PV99")
    client = TestClient(webapp)
    token = login(client, "anna")
    assert upload(client, token).status_code == 413


def test_run_downloads_scope_en_audit(tmp_path: Path) -> None:
    # The production path: the solve in a local process through allocatie.kern.sweep.
    webapp = app_met_gebruikers(tmp_path, workers=None)
    anna = TestClient(webapp)
    token = login(anna, "anna")
    assert upload(anna, token).status_code == 200
    r = anna.post("/rondes/1/runs", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/runs/1"
    pagina = wacht(anna, "/runs/1")
    assert "status-klaar" in pagina, pagina
    assert 'id="gemeenten"' in pagina and "Geplaatst:" in pagina
    for naam in ("plaatsingen.csv", "allocatie.xlsx", "rapport.html", "ronde.gpkg"):
        assert f"/runs/1/bestanden/{naam}" in pagina
    d = anna.get("/runs/1/bestanden/plaatsingen.csv")
    assert d.status_code == 200 and d.text.startswith("huishouden_id")
    assert anna.get("/runs/1/bestanden/..%2Fapp.sqlite").status_code == 404
    alle = gemeenterijen(pagina)
    assert len(alle) == 12 and {r[1] for r in alle} == {"PV99"}
    assert gemeenterijen(anna.get("/runs/1?provincie=PV99").text) == alle
    assert gemeenterijen(anna.get("/runs/1?provincie=PV00").text) == []

    # Another provincie sees nothing of it, by any URL.
    bert = TestClient(webapp)
    token_b = login(bert, "bert")
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
    token_l = login(lies, "lies")
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
    login(client, "anna")
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
    token = login(client, "anna")
    r = client.post("/uitloggen", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/rondes", follow_redirects=False).status_code == 303


def test_migratie_is_herhaalbaar(tmp_path: Path) -> None:
    app_met_gebruikers(tmp_path)
    webapp = maak_app(Instellingen(datamap=tmp_path / "data"))  # same database, again
    with webapp.state.sessies() as s:
        versie = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert versie == "0003"
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


# -- decisions on a finished run (allocatie.app.beslissingen) ------------------------------


def _plaatsingen(client: TestClient, run: int) -> dict[str, tuple[str, str]]:
    """Household -> (option, gemeente) from a run's plaatsingen.csv download."""
    import csv
    import io

    tekst = client.get(f"/runs/{run}/bestanden/plaatsingen.csv").text
    return {
        r["huishouden_id"]: (r["aanbod_id"], r["gemeente_code"])
        for r in csv.DictReader(io.StringIO(tekst))
    }


@pytest.fixture(scope="module")
def twee_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Round 1 run once (run 1), one household locked elsewhere, re-run stably (run 2)."""
    webapp = app_met_gebruikers(tmp_path_factory.mktemp("beslissingen"))
    anna = TestClient(webapp)
    token = login(anna, "anna")
    assert upload(anna, token).status_code == 200
    anna.post("/rondes/1/runs", data={"csrf": token})
    assert "status-klaar" in wacht(anna, "/runs/1")
    eerste = _plaatsingen(anna, 1)
    hid = sorted(eerste)[0]
    van = eerste[hid][1]
    naar = "GM9001" if van != "GM9001" else "GM9002"
    r = anna.post(
        f"/runs/1/huishoudens/{hid}/vastleggen",
        data={
            "csrf": token,
            "soort": "vastzetten",
            "gemeente_code": naar,
            "aanbod_id": "",
            "reden": "dichtbij werk",
        },
    )
    assert r.status_code == 200 and "dichtbij werk" in r.text, r.text
    r = anna.post("/runs/1/opnieuw", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/runs/2"
    assert "status-klaar" in wacht(anna, "/runs/2")
    return {"app": webapp, "anna": anna, "token": token, "hid": hid, "van": van, "naar": naar}


def test_huishoudens_zoeken_filteren_bladeren(twee_runs: dict[str, Any]) -> None:
    anna = twee_runs["anna"]
    r = anna.get("/runs/1/huishoudens")
    assert r.status_code == 200
    assert "150 huishoudens; pagina 1 van 3." in r.text
    rijen = (
        r.text.split('id="huishoudens"')[1].split("<tbody>")[1].split("</tbody>")[0].count("<tr>")
    )
    assert rijen == 50
    assert "HH-000051" in anna.get("/runs/1/huishoudens?pagina=2").text
    assert "HH-000051" not in r.text
    r = anna.get("/runs/1/huishoudens?zoek=hh-00001")  # case-insensitive substring
    assert "10 huishoudens" in r.text and "HH-000019" in r.text
    r = anna.get("/runs/2/huishoudens?status=vastgelegd")
    assert "1 huishoudens" in r.text and twee_runs["hid"] in r.text
    r = anna.get(f"/runs/2/huishoudens?gemeente={twee_runs['naar']}&status=geplaatst")
    assert twee_runs["hid"] in r.text
    geplaatst = int(
        re.search(
            r"(\d+) huishoudens", anna.get("/runs/1/huishoudens?status=geplaatst").text
        ).group(1)
    )  # type: ignore[union-attr]
    onbediend = int(
        re.search(
            r"(\d+) huishoudens", anna.get("/runs/1/huishoudens?status=onbediend").text
        ).group(1)
    )  # type: ignore[union-attr]
    assert geplaatst + onbediend == 150


def test_vastzetten_opnieuw_stabiel_en_uitleg(twee_runs: dict[str, Any]) -> None:
    anna, hid, naar = twee_runs["anna"], twee_runs["hid"], twee_runs["naar"]
    webapp = twee_runs["app"]
    with webapp.state.sessies() as s:
        run2 = s.execute(text("SELECT vorige_run_id FROM runs WHERE id = 2")).scalar()
    assert run2 == 1
    een, twee = _plaatsingen(anna, 1), _plaatsingen(anna, 2)
    assert twee[hid][1] == naar != een[hid][1]  # the lock is honoured
    verschoven = {h for h in set(een) | set(twee) if een.get(h) != twee.get(h)}
    assert hid in verschoven and len(verschoven) <= 10  # stable: few moves
    assert "verschuivingen.csv" in anna.get("/runs/2").text
    r = anna.get(f"/runs/2/huishoudens/{hid}")
    assert r.status_code == 200
    assert "vastgelegd door regisseur" in r.text  # explain.py's hard criteria
    assert "T.o.v. run 1" in r.text and "verhuist" in r.text
    assert "dichtbij werk" in r.text and "anna" in r.text
    # Compare: per gemeente, and the moved household with its reason.
    r = anna.get("/runs/2/vergelijk?met=1")
    assert r.status_code == 200
    verhuisd = r.text.split('id="verhuisd"')[1]
    assert hid in verhuisd and "vastgelegd" in verhuisd
    assert r.text.count("<tr>") > 12
    assert anna.get("/runs/1/vergelijk?met=2").text == r.text  # the earlier run left


def test_vastleggen_fouten(twee_runs: dict[str, Any]) -> None:
    anna, token, hid = twee_runs["anna"], twee_runs["token"], twee_runs["hid"]
    basis = {"csrf": token, "soort": "uitsluiten", "gemeente_code": "", "aanbod_id": "W-XX"}
    r = anna.post(f"/runs/2/huishoudens/{hid}/vastleggen", data={**basis, "reden": " "})
    assert r.status_code == 422 and "een reden is verplicht" in r.text
    r = anna.post(f"/runs/2/huishoudens/{hid}/vastleggen", data={**basis, "reden": "test"})
    assert r.status_code == 422
    fout = r.text.split('id="fouten"')[1]
    cellen = re.findall(r"<td>(.*?)</td>", fout.split("</tr>")[1])
    assert cellen[:4] == ["vastleggingen van de regietafel", "3", "aanbod_id", "W-XX"], cellen
    assert "onbekende aanbod_id" in cellen[4]
    # A second lock of the same household: the loader's own conflict message.
    r = anna.post(
        f"/runs/2/huishoudens/{hid}/vastleggen",
        data={
            **basis,
            "soort": "vastzetten",
            "aanbod_id": "",
            "gemeente_code": "GM9003",
            "reden": "x",
        },
    )
    assert r.status_code == 422 and "al vastgelegd in rij 2" in r.text
    with twee_runs["app"].state.sessies() as s:
        assert s.execute(text("SELECT count(*) FROM vastleggingen")).scalar() == 1
    # A valid ban of another household is kept and audited.
    ander = "HH-000150"
    r = anna.post(
        f"/runs/2/huishoudens/{ander}/vastleggen",
        data={**basis, "aanbod_id": "", "gemeente_code": "GM9003", "reden": "geen school"},
    )
    assert r.status_code == 200 and str(r.url).endswith(f"/huishoudens/{ander}")
    assert "uitsluiten" in r.text and "geen school" in r.text
    with twee_runs["app"].state.sessies() as s:
        regel = s.scalars(select(AuditRegel).where(AuditRegel.actie == "uitsluiten")).one()
    assert regel.reden == "geen school" and ander in regel.onderwerp
    assert "2 huishoudens" in anna.get("/runs/2/huishoudens?status=vastgelegd").text


def test_kaart_op_resultaatpagina(twee_runs: dict[str, Any]) -> None:
    anna = twee_runs["anna"]
    assert 'src="/runs/1/kaart"' in anna.get("/runs/1").text
    r = anna.get("/runs/1/kaart")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'id="kaart-svg"' in r.text and 'id="gemeenten"' in r.text
    assert "F-001" in r.text  # the flex sites are on it
    assert not re.search(r"(src|href)=\"https?:", r.text)  # offline: nothing from outside


def test_vastlegging_verwijderen_met_reden(twee_runs: dict[str, Any]) -> None:
    anna, token, hid = twee_runs["anna"], twee_runs["token"], twee_runs["hid"]
    with twee_runs["app"].state.sessies() as s:
        vid = s.execute(text("SELECT id FROM vastleggingen")).scalar()
    url = f"/runs/2/vastleggingen/{vid}/verwijderen"
    assert anna.post(url, data={"csrf": token, "reden": ""}).status_code == 422
    r = anna.post(url, data={"csrf": token, "reden": "gemeente trekt wens in"})
    assert r.status_code == 200 and str(r.url).endswith(f"/huishoudens/{hid}")
    assert "verwijderd door anna: gemeente trekt wens in" in r.text
    assert anna.post(url, data={"csrf": token, "reden": "nog eens"}).status_code == 409
    vastgelegd = anna.get("/runs/2/huishoudens?status=vastgelegd").text
    assert "1 huishoudens" in vastgelegd and hid not in vastgelegd
    with twee_runs["app"].state.sessies() as s:
        acties = [(a.actie, a.reden) for a in s.scalars(select(AuditRegel))]
    assert ("vastzetten", "dichtbij werk") in acties
    assert ("vastlegging verwijderd", "gemeente trekt wens in") in acties
    assert ("run gestart", "1 vastlegging") in acties


def test_huishoudens_bekijken_in_auditlog(twee_runs: dict[str, Any]) -> None:
    """Every page that shows households one by one is audited; totals per gemeente are not."""
    anna, token, hid = twee_runs["anna"], twee_runs["token"], twee_runs["hid"]
    with twee_runs["app"].state.sessies() as s:
        vanaf = max(s.scalars(select(AuditRegel.id)))
    assert anna.get("/runs/2/huishoudens?zoek=HH-00001&status=geplaatst").status_code == 200
    assert anna.get(f"/runs/2/huishoudens/{hid}").status_code == 200
    assert anna.get("/runs/2/vergelijk?met=1").status_code == 200
    for url in ("/runs/2", "/runs/2/kaart", "/runs/2/status", "/runs/2/huishoudens/HH-onbekend"):
        anna.get(url)
    r = anna.post(
        f"/runs/2/huishoudens/{hid}/vastleggen",
        data={"csrf": token, "soort": "uitsluiten", "aanbod_id": "W-XX", "reden": "te ver"},
    )
    assert r.status_code == 422
    with twee_runs["app"].state.sessies() as s:
        regels = [
            (r.gebruiker, r.provincie, r.actie, r.onderwerp, r.reden)
            for r in s.scalars(select(AuditRegel).where(AuditRegel.id > vanaf))
        ]
    verschoven = anna.get("/runs/2/vergelijk?met=1").text.split("Verschoven huishoudens (")[1]
    assert regels == [
        (
            "anna",
            "PV99",
            "huishoudens bekeken",
            "run 2, pagina 1 van 1, zoek HH-00001, status geplaatst",
            "",
        ),
        ("anna", "PV99", "huishouden bekeken", f"run 2: huishouden {hid}", ""),
        (
            "anna",
            "PV99",
            "vergelijking bekeken",
            f"run 1 en run 2: {verschoven.split(')')[0]} huishoudens verschoven",
            "",
        ),
        (
            "anna",
            "PV99",
            "vastleggen geweigerd",
            f"uitsluiten huishouden {hid} op W-XX (run 2)",
            regels[-1][4],
        ),
    ]
    assert regels[-1][4].startswith(
        "bestand vastleggingen van de regietafel, rij 3, kolom aanbod_id, waarde W-XX: "
    )


def test_huishouden_met_schuine_streep(tmp_path: Path) -> None:
    """A household id with "/" is one path segment: listed, opened, locked and audited."""
    webapp = app_met_gebruikers(tmp_path)
    anna = TestClient(webapp)
    token = login(anna, "anna")
    hh = (VOORBEELD / "huishoudens.csv").read_bytes().replace(b"HH-000001,", b"HH/01,")
    assert upload(anna, token, **{"huishoudens.csv": hh}).status_code == 200
    anna.post("/rondes/1/runs", data={"csrf": token})
    assert "status-klaar" in wacht(anna, "/runs/1")
    lijst = anna.get("/runs/1/huishoudens?zoek=HH/01").text
    assert 'href="/runs/1/huishoudens/HH%2F01"' in lijst
    pagina = anna.get("/runs/1/huishoudens/HH%2F01")
    assert pagina.status_code == 200 and "Huishouden HH/01 in" in pagina.text
    assert 'action="/runs/1/huishoudens/HH%2F01/vastleggen"' in pagina.text
    r = anna.post(
        "/runs/1/huishoudens/HH%2F01/vastleggen",
        data={"csrf": token, "soort": "uitsluiten", "gemeente_code": "GM9001", "reden": "ver"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/runs/1/huishoudens/HH%2F01"
    assert "ver" in anna.get(r.headers["location"]).text.split('id="vastleggingen"')[1]
    with webapp.state.sessies() as s:
        assert s.execute(text("SELECT huishouden_id FROM vastleggingen")).scalar() == "HH/01"
        acties = [(a.actie, a.onderwerp) for a in s.scalars(select(AuditRegel))]
    assert ("huishouden bekeken", "run 1: huishouden HH/01") in acties


def test_tweede_vastzetting_tegelijk_geweigerd(
    twee_runs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two locks of one household that both passed the reader: the database keeps one."""
    import allocatie.app.beslissingen as beslissingen

    anna, token, webapp = twee_runs["anna"], twee_runs["token"], twee_runs["app"]
    hid = "HH-000149"
    data = {"csrf": token, "soort": "vastzetten", "aanbod_id": "", "reden": "school"}
    r = anna.post(f"/runs/2/huishoudens/{hid}/vastleggen", data={**data, "gemeente_code": "GM9001"})
    assert r.status_code == 200 and "school" in r.text
    # As if a second request had been checked before the first was kept.
    monkeypatch.setattr(beslissingen, "_controleer", lambda *_: None)
    r = anna.post(f"/runs/2/huishoudens/{hid}/vastleggen", data={**data, "gemeente_code": "GM9002"})
    assert r.status_code == 409
    assert "dit huishouden is intussen al vastgezet" in r.text.split('id="fouten"')[1]
    with webapp.state.sessies() as s:
        vast = s.execute(
            text(
                "SELECT gemeente_code FROM vastleggingen WHERE huishouden_id = :h "
                "AND verwijderd IS NULL"
            ),
            {"h": hid},
        ).all()
        regel = s.scalars(select(AuditRegel).order_by(AuditRegel.id.desc())).first()
    assert [tuple(v) for v in vast] == [("GM9001",)]
    assert regel is not None and regel.actie == "vastleggen geweigerd"
    assert regel.onderwerp == f"vastzetten huishouden {hid} op gemeente GM9002 (run 2)"
    assert "kolom huishouden_id" in regel.reden


def _vastlegging(s: Any, hid: str, soort: str = "vastzetten", verwijderd: bool = False) -> None:
    """Insert a lock or ban of round 1 in plain SQL, past the application."""
    s.execute(
        text(
            "INSERT INTO vastleggingen (ronde_id, huishouden_id, soort, aanbod_id, gemeente_code, "
            "reden, gebruiker, tijd, verwijderd) VALUES (1, :h, :soort, '', 'GM9001', 'r', 'oud', "
            "'2026-01-01', :weg)"
        ),
        {"h": hid, "soort": soort, "weg": "2026-01-02" if verwijderd else None},
    )


def test_beslissingen_autorisatie(twee_runs: dict[str, Any]) -> None:
    webapp, hid = twee_runs["app"], twee_runs["hid"]
    gets = [
        "/runs/1/huishoudens",
        f"/runs/1/huishoudens/{hid}",
        "/runs/1/vergelijk?met=2",
        "/runs/1/kaart",
    ]
    posts = [
        (
            f"/runs/1/huishoudens/{hid}/vastleggen",
            {"soort": "uitsluiten", "gemeente_code": "GM9001", "reden": "x"},
        ),
        ("/runs/1/vastleggingen/1/verwijderen", {"reden": "x"}),
        ("/runs/1/opnieuw", {}),
    ]
    # Not logged in: to the login page.
    anoniem = TestClient(webapp)
    for url in gets:
        r = anoniem.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/inloggen", url
    # Another provincie: absent, for reading and writing.
    bert = TestClient(webapp)
    token_b = login(bert, "bert")
    for url in gets:
        assert bert.get(url).status_code == 404, url
    for url, data in posts:
        assert bert.post(url, data={**data, "csrf": token_b}).status_code == 404, url
    # Without or with a wrong CSRF token: refused.
    anna = twee_runs["anna"]
    for url, data in posts:
        for token in (None, "verkeerd"):
            extra = {} if token is None else {"csrf": token}
            assert anna.post(url, data={**data, **extra}).status_code == 403, url
    # A lezer of the provincie reads, but cannot lock, remove or re-run.
    lies = TestClient(webapp)
    token_l = login(lies, "lies")
    for url in gets:
        assert lies.get(url).status_code == 200, url
    for url, data in posts:
        assert lies.post(url, data={**data, "csrf": token_l}).status_code == 403, url
    assert 'id="vastleggen"' not in lies.get(f"/runs/1/huishoudens/{hid}").text
    # Compare only within one round; an unknown run is absent.
    assert anna.get("/runs/1/vergelijk?met=99").status_code == 404
    assert anna.get("/runs/1/vergelijk?met=x").status_code == 404


def test_migratie_0002_over_bestaande_gegevens(tmp_path: Path) -> None:
    """A database of revision 0001 with a run keeps it when upgraded to 0002."""
    datamap = tmp_path / "data"
    engine = _oude_database(datamap, "0001")
    with engine.begin() as verbinding:
        verbinding.execute(
            text(
                "INSERT INTO runs (id, ronde_id, status, melding, gestart, gebruiker_id, uitvoer) "
                "VALUES (1, 1, 'klaar', '', '2026-01-01', 1, 'runs/1')"
            )
        )
    engine.dispose()
    webapp = maak_app(Instellingen(datamap=datamap))
    with webapp.state.sessies() as s:
        assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003"
        rij = s.execute(text("SELECT status, vorige_run_id FROM runs WHERE id = 1")).one()
        assert tuple(rij) == ("klaar", None)
        assert s.execute(text("SELECT count(*) FROM vastleggingen")).scalar() == 0
        # A lock without a reason is refused by the database itself.
        with pytest.raises(DatabaseError):
            s.execute(
                text(
                    "INSERT INTO vastleggingen (ronde_id, huishouden_id, soort, aanbod_id, "
                    "gemeente_code, reden, gebruiker, tijd) VALUES "
                    "(1, 'HH-1', 'vastzetten', '', 'GM9001', ' ', 'oud', '2026-01-01')"
                )
            )


def _oude_database(datamap: Path, revisie: str) -> Any:
    """A SQLite database at an older ``revisie`` with one user and one round; its engine."""
    from alembic import command
    from alembic.config import Config

    from allocatie.app.db import MIGRATIES, maak_engine

    datamap.mkdir()
    engine = maak_engine(f"sqlite:///{datamap / 'app.sqlite'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIES))
    with engine.begin() as verbinding:
        config.attributes["connection"] = verbinding
        command.upgrade(config, revisie)
        verbinding.execute(
            text(
                "INSERT INTO gebruikers (id, naam, wachtwoord_hash, rol, provincie, aangemaakt) "
                "VALUES (1, 'oud', 'x', 'regisseur', 'PV99', '2026-01-01')"
            )
        )
        verbinding.execute(
            text(
                "INSERT INTO rondes (id, provincie, naam, periode, aangemaakt, gebruiker_id) "
                "VALUES (1, 'PV99', 'oud', '2025-I', '2026-01-01', 1)"
            )
        )
    return engine


def test_migratie_0003_een_actieve_vastzetting(tmp_path: Path) -> None:
    """0003: at most one lock in force per household and round, enforced by the database."""
    from sqlalchemy.exc import IntegrityError

    datamap = tmp_path / "data"
    engine = _oude_database(datamap, "0002")
    with engine.begin() as v:
        _vastlegging(v, "HH-1")
        _vastlegging(v, "HH-1", verwijderd=True)  # removed: does not count
        _vastlegging(v, "HH-1", "uitsluiten")  # bans: as many as needed
        _vastlegging(v, "HH-1", "uitsluiten")
    engine.dispose()
    webapp = maak_app(Instellingen(datamap=datamap))
    with webapp.state.sessies() as s:
        assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003"
        assert s.execute(text("SELECT count(*) FROM vastleggingen")).scalar() == 4
        with pytest.raises(IntegrityError, match="UNIQUE"):
            _vastlegging(s, "HH-1")
        s.rollback()
        _vastlegging(s, "HH-2")  # another household
        _vastlegging(s, "HH-1", verwijderd=True)
        s.execute(text("UPDATE vastleggingen SET verwijderd = '2026-01-03' WHERE id = 1"))
        _vastlegging(s, "HH-1")  # the old one removed: a new one may be set
        s.commit()


def test_migratie_0003_weigert_dubbele_vastzetting(tmp_path: Path) -> None:
    """Two locks in force of one household (from before 0003): a Dutch error, no upgrade."""
    from allocatie.app.db import DatabaseFout, maak_engine

    datamap = tmp_path / "data"
    engine = _oude_database(datamap, "0002")
    with engine.begin() as v:
        _vastlegging(v, "HH-7")
        _vastlegging(v, "HH-7")
    engine.dispose()
    with pytest.raises(DatabaseFout, match=r"ronde 1, huishouden HH-7 \(2×\)"):
        maak_app(Instellingen(datamap=datamap))
    engine = maak_engine(f"sqlite:///{datamap / 'app.sqlite'}")
    with engine.connect() as v:
        assert v.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
    engine.dispose()

"""The Starlette application of ``allocatie app``: pages, uploads, runs, downloads.

Server rendered with Jinja2; the run status page polls with htmx (shipped in
``statisch/``, no internet needed). Every page needs a login; every POST needs
the session's CSRF token; every round and run is looked up through the
provincie scope of `allocatie.app.beveiliging`; every action is audited.
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from allocatie.app import beveiliging as bv
from allocatie.app.beheer import Paginahulp, beheerroutes
from allocatie.app.beslissingen import Hulp, begin_run
from allocatie.app.beslissingen import routes as beslisroutes
from allocatie.app.db import Gebruiker, Ronde, Rondebestand, Run, maak_engine, migreer, nu
from allocatie.app.rekenen import OVERZICHT, lees_voortgang
from allocatie.kern.errors import AllocatieFout, ConfiguratieFout, InvoerFout, InvoerFouten
from allocatie.kern.periode import Periode
from allocatie.kern.taal import aantal, nl_getal
from allocatie.kern.tabellen import TABELNAMEN

__all__ = ["Instellingen", "maak_app"]

HIER = Path(__file__).resolve().parent

#: File names a round upload may hold: the tables as CSV (gemeenten also as GeoJSON or
#: GeoPackage), ronde.toml, and the round as one workbook (ronde.xlsx).
_NAAM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.(csv|geojson|gpkg|toml|xlsx)$")
#: The workbook that is a whole round (`allocatie.io.werkboeklezer`).
_WERKBOEK = "ronde.xlsx"


@dataclass
class Instellingen:
    """How the application runs.

    Attributes
    ----------
    database_url
        SQLAlchemy URL; None: SQLite ``app.sqlite`` in ``datamap``.
    datamap
        Folder for the SQLite database and the runs' files.
    geheim
        Key that signs session cookies; None: a fresh one (sessions end with the server).
    veilige_cookie
        Send the session cookie only over HTTPS (set for a non-local address).
    max_upload
        Most bytes one upload may hold (all files together).
    workers
        Passed to `allocatie.kern.sweep.veeg` (None: a local process; 1: in the server).
    sessie_s
        How long a login lasts, in seconds.
    """

    datamap: Path
    database_url: str | None = None
    geheim: str | None = None
    veilige_cookie: bool = False
    max_upload: int = 200 * 1024 * 1024
    workers: int | None = None
    sessie_s: int = 8 * 3600
    threads: list[Any] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The database URL in force."""
        return self.database_url or f"sqlite:///{self.datamap / 'app.sqlite'}"


class _NietIngelogd(Exception):
    """Raised by `_gebruiker` when the request has no valid login."""


def maak_app(inst: Instellingen) -> Starlette:
    """Build the application: migrate the database, wire pages, sessions and static files."""
    inst.datamap.mkdir(parents=True, exist_ok=True)
    engine = maak_engine(inst.url)
    migreer(engine)
    sessies: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)
    with sessies() as s, s.begin():  # runs cut off by a stopped server
        for run in s.query(Run).filter(Run.status.in_(("wachtrij", "bezig"))):
            run.status, run.melding, run.klaar = "mislukt", "onderbroken: server gestopt", nu()
    sjablonen = Jinja2Templates(directory=str(HIER / "sjablonen"))
    # One path segment: unlike Jinja's ``urlencode`` it encodes "/" as well, so a
    # household id with "/" stays one segment (routed by ``{hid:path}``).
    sjablonen.env.filters["segment"] = lambda waarde: quote(str(waarde), safe="")
    sjablonen.env.filters["getal"] = _getal

    def pagina(request: Request, naam: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("gebruiker", None)
        context["csrf"] = bv.csrf_token(request.session)
        return sjablonen.TemplateResponse(request, naam, context, status_code=status)

    def _gebruiker(request: Request, s: Session) -> Gebruiker:
        uid = request.session.get("gebruiker")
        g = s.get(Gebruiker, uid) if isinstance(uid, int) else None
        # A withdrawn account or a new password ends the sessions opened before.
        if g is None or not bv.actief(g) or request.session.get(bv.AFDRUK) != bv.vingerafdruk(g):
            raise _NietIngelogd
        return g

    async def formulier(request: Request) -> FormData:
        """The POSTed form after the size, count and CSRF checks."""
        lengte = request.headers.get("content-length")
        if lengte is not None and lengte.isdigit() and int(lengte) > inst.max_upload:
            raise HTTPException(413, "Het bestand of de bestanden zijn te groot.")
        form = await request.form(max_files=20, max_fields=20)
        gegeven = form.get(bv.CSRF_VELD) or request.headers.get("x-csrf-token")
        if not bv.controleer_csrf(request.session, gegeven):
            await form.close()
            raise HTTPException(
                403, "Formulier verlopen of ongeldig (CSRF). Laad de pagina opnieuw."
            )
        return form

    hulp = Hulp(
        inst=inst, sessies=sessies, pagina=pagina, gebruiker=_gebruiker, formulier=formulier
    )

    # -- login -------------------------------------------------------------------------
    async def inloggen(request: Request) -> Response:
        if request.method == "GET":
            return pagina(request, "inloggen.html")
        form = await formulier(request)
        naam, wachtwoord = str(form.get("naam", "")), str(form.get("wachtwoord", ""))
        g = await run_in_threadpool(_log_in, naam, wachtwoord)
        if g is None:
            return pagina(
                request, "inloggen.html", 401, fout="Onbekende naam of onjuist wachtwoord."
            )
        request.session.clear()
        request.session["gebruiker"] = g.id
        request.session[bv.AFDRUK] = bv.vingerafdruk(g)
        request.session[bv.CSRF_VELD] = secrets.token_urlsafe(32)
        return RedirectResponse("/rondes", 303)

    def _log_in(naam: str, wachtwoord: str) -> Gebruiker | None:
        with sessies() as s, s.begin():
            g = bv.vind_gebruiker(s, naam, wachtwoord)
            if g is None:
                bv.audit(s, naam[:100], None, "inloggen mislukt")
            else:
                bv.audit(s, g.naam, g.provincie, "inloggen")
            return g

    async def uitloggen(request: Request) -> Response:
        await formulier(request)
        with sessies() as s, s.begin():
            g = _gebruiker(request, s)
            bv.audit(s, g.naam, g.provincie, "uitloggen")
        request.session.clear()
        return RedirectResponse("/inloggen", 303)

    # -- rounds ------------------------------------------------------------------------
    async def rondes(request: Request) -> Response:
        with sessies() as s:
            g = _gebruiker(request, s)
            if request.method == "GET":
                return pagina(request, "rondes.html", gebruiker=g, rondes=bv.rondes_van(s, g))
        form = await formulier(request)
        try:
            with sessies() as s:
                g = _gebruiker(request, s)
                if not bv.mag_rekenen(g):
                    raise HTTPException(403, "Een lezer kan geen ronde toevoegen.")
            return await _upload(request, g, form)
        finally:
            await form.close()

    async def _upload(request: Request, g: Gebruiker, form: FormData) -> Response:
        fouten: list[dict[str, Any]] = []
        bestanden: dict[str, bytes] = {}
        totaal = 0
        for upload in form.getlist("bestanden"):
            if not isinstance(upload, UploadFile) or not upload.filename:
                continue
            naam = Path(upload.filename).name
            inhoud = await upload.read()
            totaal += len(inhoud)
            if not _NAAM.match(naam):
                fouten.append(
                    {
                        "bestand": naam,
                        "bericht": "alleen .csv, .geojson, .gpkg, .xlsx en ronde.toml zijn "
                        "toegestaan (naam: letters, cijfers, punt, streepje)",
                    }
                )
            elif naam in bestanden:
                fouten.append({"bestand": naam, "bericht": "dit bestand staat er twee keer in"})
            else:
                bestanden[naam] = inhoud
        if totaal > inst.max_upload:
            raise HTTPException(413, "Het bestand of de bestanden zijn te groot.")
        provincie = g.provincie if g.rol != "beheerder" else str(form.get("provincie", "")).strip()
        naam_ronde = str(form.get("naam", "")).strip()
        periode = str(form.get("periode", "")).strip()
        if not provincie:
            fouten.append({"kolom": "provincie", "bericht": "kies de provincie van de ronde"})
        if not bestanden and not fouten:
            fouten.append(
                {"bericht": "kies de bestanden van de ronde (ronde.xlsx, of CSV's en ronde.toml)"}
            )
        # ronde.xlsx without ronde.toml is a round by itself: its sheet ``ronde`` holds
        # naam and periode.
        if not fouten and "ronde.toml" not in bestanden and _WERKBOEK not in bestanden:
            bestanden["ronde.toml"] = _rondetoml(bestanden, naam_ronde, periode, fouten)
        if not fouten:
            fouten, kop = await run_in_threadpool(_valideer, bestanden)
        if fouten:
            for f in fouten:  # the page groups the errors per file (per sheet of a workbook)
                f["groep"] = f.get("bestand") or "algemeen"
            with sessies() as s, s.begin():
                bv.audit(s, g.naam, provincie or None, "upload geweigerd", reden=_kort(fouten))
            with sessies() as s:
                return pagina(
                    request,
                    "rondes.html",
                    422,
                    gebruiker=g,
                    rondes=bv.rondes_van(s, g),
                    fouten=fouten,
                )
        with sessies() as s, s.begin():
            ronde = Ronde(
                provincie=provincie,
                naam=kop["naam"],
                periode=kop["periode"],
                gebruiker_id=g.id,
                bestanden=[Rondebestand(naam=n, inhoud=b) for n, b in sorted(bestanden.items())],
            )
            s.add(ronde)
            s.flush()
            bv.audit(
                s,
                g.naam,
                provincie,
                "upload",
                f"ronde {ronde.id}",
                f"{aantal(len(bestanden), 'bestand', 'bestanden')}: {', '.join(sorted(bestanden))}",
            )
            rid = ronde.id
        return RedirectResponse(f"/rondes/{rid}", 303)

    async def ronde(request: Request) -> Response:
        with sessies() as s:
            g = _gebruiker(request, s)
            r = bv.ronde_van(s, g, int(request.path_params["ronde_id"]))
            if r is None:
                raise HTTPException(404, "Deze ronde bestaat niet of is niet van uw provincie.")
            return pagina(
                request,
                "ronde.html",
                gebruiker=g,
                ronde=r,
                bestanden=[(b.naam, len(b.inhoud)) for b in r.bestanden],
                runs=list(reversed(r.runs)),
                mag_rekenen=bv.mag_rekenen(g),
            )

    async def nieuwe_run(request: Request) -> Response:
        await formulier(request)
        with sessies() as s, s.begin():
            g = _gebruiker(request, s)
            r = bv.ronde_van(s, g, int(request.path_params["ronde_id"]))
            if r is None:
                raise HTTPException(404, "Deze ronde bestaat niet of is niet van uw provincie.")
            if not bv.mag_rekenen(g):
                raise HTTPException(403, "Een lezer kan geen ronde doorrekenen.")
            run_id, start = begin_run(hulp, s, g, r)
        start()
        return RedirectResponse(f"/runs/{run_id}", 303)

    # -- runs --------------------------------------------------------------------------
    def _run(request: Request, s: Session) -> tuple[Gebruiker, Run]:
        g = _gebruiker(request, s)
        run = bv.run_van(s, g, int(request.path_params["run_id"]))
        if run is None:
            raise HTTPException(404, "Deze run bestaat niet of is niet van uw provincie.")
        return g, run

    async def run_pagina(request: Request) -> Response:
        with sessies() as s:
            g, run = _run(request, s)
            context: dict[str, Any] = {"gebruiker": g, "run": run, "ronde": run.ronde}
            if run.status == "klaar" and run.uitvoer:
                uitvoer = inst.datamap / run.uitvoer / "uitvoer"
                overzicht = await run_in_threadpool(_lees_overzicht, uitvoer)
                gekozen = request.query_params.get("provincie", "")
                rijen = overzicht["per_gemeente"]
                context.update(
                    samenvatting=overzicht["samenvatting"],
                    niveaus=_niveaurijen(overzicht["samenvatting"]),
                    # Code -> "Naam (code)"; a run from before the names: the code.
                    provincies=dict(
                        sorted(
                            (
                                str(r["provincie_code"]),
                                str(r.get("provincie") or r["provincie_code"]),
                            )
                            for r in rijen
                        )
                    ),
                    gekozen=gekozen,
                    gemeenten=[r for r in rijen if not gekozen or r["provincie_code"] == gekozen],
                    # What `allocatie ronde` wrote: not its hidden marker (the download
                    # refuses a name with a leading dot), not the page's own overview.
                    bestanden=sorted(
                        p.name
                        for p in uitvoer.iterdir()
                        if p.is_file() and not p.name.startswith(".") and p.name != OVERZICHT
                    ),
                )
            else:
                context["voortgang"] = _voortgang(run)
            return pagina(request, "run.html", **context)

    def _voortgang(run: Run) -> str:
        return lees_voortgang(inst.datamap / run.uitvoer) if run.uitvoer else ""

    async def run_status(request: Request) -> Response:
        with sessies() as s:
            _, run = _run(request, s)
            antwoord = pagina(request, "_status.html", run=run, voortgang=_voortgang(run))
            if run.status in ("klaar", "mislukt"):
                antwoord.headers["HX-Refresh"] = "true"
            return antwoord

    async def download(request: Request) -> Response:
        naam = str(request.path_params["naam"])
        with sessies() as s, s.begin():
            g, run = _run(request, s)
            uitvoer = inst.datamap / (run.uitvoer or "-") / "uitvoer"
            pad = uitvoer / naam
            if run.status != "klaar" or "/" in naam or naam.startswith(".") or not pad.is_file():
                raise HTTPException(404, "Dit bestand bestaat niet.")
            bv.audit(s, g.naam, run.ronde.provincie, "download", f"run {run.id}: {naam}")
        return FileResponse(pad, filename=naam)

    async def sjabloon(request: Request) -> Response:
        """The empty round workbook, as ``allocatie sjabloon`` writes it."""
        with sessies() as s, s.begin():
            g = _gebruiker(request, s)
            bv.audit(s, g.naam, g.provincie, "download", f"sjabloon {_WERKBOEK}")
        inhoud = await run_in_threadpool(_sjabloon)
        return Response(
            inhoud,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{_WERKBOEK}"'},
        )

    async def auditlog(request: Request) -> Response:
        with sessies() as s:
            g = _gebruiker(request, s)
            return pagina(request, "audit.html", gebruiker=g, regels=bv.auditregels_van(s, g))

    async def begin(request: Request) -> Response:
        return RedirectResponse("/rondes", 303)

    async def niet_ingelogd(request: Request, exc: Exception) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/inloggen"})
        return RedirectResponse("/inloggen", 303)

    async def http_fout(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        with sessies() as s:
            uid = request.session.get("gebruiker")
            g = s.get(Gebruiker, uid) if isinstance(uid, int) else None
            return pagina(request, "fout.html", exc.status_code, gebruiker=g, fout=exc.detail)

    routes = [
        Route("/", begin),
        Route("/inloggen", inloggen, methods=["GET", "POST"]),
        Route("/uitloggen", uitloggen, methods=["POST"]),
        Route("/rondes", rondes, methods=["GET", "POST"]),
        Route("/rondes/{ronde_id:int}", ronde),
        Route("/rondes/{ronde_id:int}/runs", nieuwe_run, methods=["POST"]),
        Route("/runs/{run_id:int}", run_pagina),
        Route("/runs/{run_id:int}/status", run_status),
        Route("/runs/{run_id:int}/bestanden/{naam:str}", download),
        Route("/sjabloon", sjabloon),
        Route("/auditlog", auditlog),
        *beslisroutes(hulp),
        *beheerroutes(Paginahulp(sessies, pagina, _gebruiker, formulier, _run, inst.datamap)),
        Mount("/statisch", StaticFiles(directory=str(HIER / "statisch")), name="statisch"),
    ]
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        _NietIngelogd: niet_ingelogd,
        HTTPException: http_fout,
    }
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=inst.geheim or secrets.token_urlsafe(32),
                session_cookie="allocatie_sessie",
                max_age=inst.sessie_s,
                same_site="strict",
                https_only=inst.veilige_cookie,
            )
        ],
        exception_handlers=handlers,
    )
    app.state.sessies = sessies
    app.state.instellingen = inst
    return app


def _rondetoml(
    bestanden: dict[str, bytes], naam: str, periode: str, fouten: list[dict[str, Any]]
) -> bytes:
    """A ronde.toml for an upload without one: the tables by their file names."""
    if not naam:
        fouten.append({"kolom": "naam", "bericht": "zonder ronde.toml is een naam nodig"})
    try:
        Periode.parse(periode)
    except ConfiguratieFout:
        fouten.append(
            {
                "kolom": "periode",
                "waarde": periode,
                "bericht": "zonder ronde.toml is een periode nodig, bijv. 2025-I",
            }
        )
    regels = [
        "[ronde]",
        f"naam = {json.dumps(naam, ensure_ascii=False)}",
        f"periode = {json.dumps(periode)}",
        "",
        "[bestanden]",
    ]
    for tabel in TABELNAMEN:
        gevonden = [n for n in bestanden if n.rsplit(".", 1)[0] == tabel]
        if gevonden:
            regels.append(f"{tabel} = {json.dumps(sorted(gevonden)[0])}")
    return ("\n".join(regels) + "\n").encode("utf-8")


def _valideer(bestanden: dict[str, bytes]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Check a round with `laad_ronde` in a scratch folder: Dutch errors, or naam/periode."""
    from allocatie.invoer.laden import laad_ronde

    with tempfile.TemporaryDirectory(prefix="allocatie-upload-") as tmp:
        map_ = Path(tmp)
        for naam, inhoud in bestanden.items():
            (map_ / naam).write_bytes(inhoud)
        try:
            inst = laad_ronde(map_)
        except InvoerFouten as fouten:
            rijen = [_foutrij(f) for f in fouten.fouten]
            if fouten.meer:
                rijen.append({"bericht": f"en nog {fouten.meer} fouten (niet getoond)"})
            return rijen, {}
        except InvoerFout as fout:
            return [_foutrij(fout)], {}
        except AllocatieFout as fout:
            return [{"bericht": str(fout)}], {}
    return [], {"naam": inst.naam, "periode": inst.periode.label}


def _foutrij(fout: InvoerFout) -> dict[str, Any]:
    """One input error as a row of the page (the file by its name, not the scratch path)."""
    return {
        "bestand": Path(fout.bestand).name if fout.bestand else None,
        "rij": fout.rij,
        "kolom": fout.kolom,
        "waarde": None if fout.waarde is None else str(fout.waarde),
        "bericht": fout.bericht,
    }


def _sjabloon() -> bytes:
    """The bytes of an empty ``ronde.xlsx`` (`allocatie.invoer.sjabloon.schrijf_sjabloon`)."""
    from allocatie.invoer.sjabloon import schrijf_sjabloon

    with tempfile.TemporaryDirectory(prefix="allocatie-sjabloon-") as tmp:
        return schrijf_sjabloon(Path(tmp)).read_bytes()


def _lees_overzicht(uitvoer: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((uitvoer / OVERZICHT).read_text(encoding="utf-8"))
    return data


def _getal(waarde: object, decimalen: int = 1) -> str:
    """A number from a result table in Dutch notation; anything else as it is.

    >>> _getal("1234.5"), _getal("0.0"), _getal(""), _getal("W-1")
    ('1.234,5', '0,0', '', 'W-1')
    """
    try:
        return nl_getal(float(str(waarde)), decimalen)
    except ValueError:
        return str(waarde)


def _niveaurijen(samenvatting: dict[str, Any]) -> list[dict[str, str]]:
    """The objective levels of a run for the page: what each counts, its value in Dutch.

    >>> _niveaurijen({"niveaus": [{"naam": "eerlijkheid", "status": "optimaal",
    ...     "eenheid": "aandeel", "waarde": 0.0454545}]})[0]["waarde"]
    '4,5%'
    """
    from allocatie.reports.overzicht import NIVEAUS

    rijen = []
    for n in samenvatting.get("niveaus", []):
        omschrijving, eenheid = NIVEAUS.get(n["naam"], ("", n.get("eenheid", "")))
        w = n.get("waarde")
        if w is None:
            tekst = "-"
        elif eenheid == "aandeel":
            tekst = f"{nl_getal(100 * w, 1)}%"
        elif eenheid in ("personen", "huishoudens") and float(w).is_integer():
            tekst = nl_getal(w)
        else:
            tekst = nl_getal(w, 1)
        rijen.append(
            {
                "naam": n["naam"],
                "omschrijving": omschrijving,
                "status": n["status"],
                "waarde": tekst,
            }
        )
    return rijen


def _kort(fouten: list[dict[str, Any]]) -> str:
    """The errors for the audit log: how many, then each (cut at 1,000 characters)."""
    delen = (
        ", ".join(
            f"{k} {v}" for k, v in f.items() if v is not None and k not in ("bericht", "groep")
        )
        + f": {f['bericht']}"
        for f in fouten
    )
    kop = f"{len(fouten)} fouten: " if len(fouten) > 1 else ""
    return (kop + "; ".join(delen))[:1000]

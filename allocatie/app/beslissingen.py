"""Decisions on a finished run: households, locks and bans, a stable re-run, compare, map.

The pages of `allocatie.app.web` that act on a finished run:

- ``/runs/{id}/huishoudens``: the households with server-side search, filter
  (gemeente, status) and paging; each with its explanation (``verklaring.csv``
  of `allocatie.resultaat.explain`) and what moved against the previous run
  (``verschuivingen.csv`` of `allocatie.resultaat.verschuiving`);
- vastzetten/uitsluiten of a household with a required reason (`Vastlegging`),
  checked at once by `allocatie.invoer.laden.laad_ronde` (``vastleggingen_erbij``)
  exactly as ``vastleggingen.csv``; removal needs a reason as well;
- ``/runs/{id}/opnieuw``: a new run of the round with the locks and bans and the
  run's outcome as ``vorige`` (`allocatie.invoer.vorige`), so it stays stable;
- ``/runs/{a}/vergelijk?met=b``: two runs of one round, per gemeente and per
  household that moved, with the reason when one run was a re-run of the other;
- ``/runs/{id}/kaart``: the report's map alone (`allocatie.reports.html.kaart_html`).

Every page goes through the provincie scope of `allocatie.app.beveiliging`;
every POST needs the CSRF token and a regisseur or beheerder; every change is
audited, and so is a refused lock or ban. Every page that shows households one
by one (the list, one household, a comparison) is audited as a view: the ids
are pseudonymous, but they are still personal data. The run page and the map
show totals per gemeente only and are not.
"""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from allocatie.app import beveiliging as bv
from allocatie.app.db import VASTLEGSOORTEN, Gebruiker, Ronde, Run, Vastlegging, nu
from allocatie.app.rekenen import BRON_VASTLEGGINGEN, KAART, OVERZICHT, start_run
from allocatie.kern.errors import AllocatieFout, InvoerFout
from allocatie.kern.taal import aantal

if TYPE_CHECKING:
    from allocatie.app.web import Instellingen

__all__ = ["PER_PAGINA", "Hulp", "actieve_vastleggingen", "begin_run", "routes", "vastleg_csv"]

#: Households per page of the households view.
PER_PAGINA = 50
#: Longest reason accepted (characters).
MAX_REDEN = 1000
_NIET_GEVONDEN = "Deze run bestaat niet of is niet van uw provincie."


@dataclass(frozen=True)
class Hulp:
    """What the handlers need of `allocatie.app.web.maak_app`."""

    inst: Instellingen
    sessies: sessionmaker[Session]
    pagina: Callable[..., Response]
    gebruiker: Callable[[Request, Session], Gebruiker]
    formulier: Callable[[Request], Awaitable[FormData]]


# -- locks and bans -----------------------------------------------------------------------


def actieve_vastleggingen(s: Session, ronde_id: int) -> list[Vastlegging]:
    """The locks and bans of round ``ronde_id`` in force (not removed), oldest first."""
    vraag = (
        select(Vastlegging)
        .where(Vastlegging.ronde_id == ronde_id, Vastlegging.verwijderd.is_(None))
        .order_by(Vastlegging.id)
    )
    return list(s.scalars(vraag))


def vastleg_csv(vastleggingen: list[Vastlegging]) -> bytes:
    """The locks and bans as a ``vastleggingen.csv`` (``data/SCHEMA.md``); reason as toelichting."""
    uit = io.StringIO()
    w = csv.writer(uit, lineterminator="\n")
    w.writerow(["huishouden_id", "aanbod_id", "gemeente_code", "soort", "toelichting"])
    for v in vastleggingen:
        toelichting = " ".join(v.reden.split())
        w.writerow(
            [v.huishouden_id, v.aanbod_id, v.gemeente_code, VASTLEGSOORTEN[v.soort], toelichting]
        )
    return uit.getvalue().encode("utf-8")


def _controleer(bestanden: dict[str, bytes], vastleggingen: bytes) -> dict[str, Any] | None:
    """Check the round with these locks and bans as `laad_ronde` does; the error, or None."""
    from allocatie.invoer.laden import laad_ronde
    from allocatie.io.lezen import lees_csv

    with tempfile.TemporaryDirectory(prefix="allocatie-vastleggen-") as tmp:
        map_ = Path(tmp) / "ronde"
        map_.mkdir()
        for naam, inhoud in bestanden.items():
            (map_ / naam).write_bytes(inhoud)
        (Path(tmp) / "erbij.csv").write_bytes(vastleggingen)
        try:
            laad_ronde(
                map_,
                vastleggingen_erbij=lees_csv(Path(tmp) / "erbij.csv"),
                bron_erbij=BRON_VASTLEGGINGEN,
            )
        except InvoerFout as fout:
            bestand = fout.bestand
            if bestand is not None and bestand != BRON_VASTLEGGINGEN:
                bestand = Path(bestand).name
            return {
                "bestand": bestand,
                "rij": fout.rij,
                "kolom": fout.kolom,
                "waarde": None if fout.waarde is None else str(fout.waarde),
                "bericht": fout.bericht,
            }
        except AllocatieFout as fout:
            return {"bericht": str(fout)}
    return None


def begin_run(
    h: Hulp, s: Session, g: Gebruiker, ronde: Ronde, vorige: Run | None = None
) -> tuple[int, Callable[[], None]]:
    """Add a run of ``ronde`` (in ``s``, audited) with the round's locks and bans.

    With ``vorige`` (a finished run of the same round) the new run keeps its
    outcome as stable as it can. Returns the new run's id and the function that
    starts it once ``s`` is committed.
    """
    run = Run(
        ronde_id=ronde.id,
        gebruiker_id=g.id,
        status="wachtrij",
        melding="",
        vorige_run_id=None if vorige is None else vorige.id,
    )
    s.add(run)
    s.flush()
    run.uitvoer = f"runs/{run.id}"
    vast = actieve_vastleggingen(s, ronde.id)
    onderwerp = f"run {run.id} van ronde {ronde.id}"
    if vorige is not None:
        onderwerp += f", stabiel t.o.v. run {vorige.id}"
    reden = aantal(len(vast), "vastlegging", "vastleggingen") if vast else ""
    bv.audit(s, g.naam, ronde.provincie, "run gestart", onderwerp, reden)
    bestanden = {b.naam: b.inhoud for b in ronde.bestanden}
    csv_ = vastleg_csv(vast) if vast else None
    vorige_map = None if vorige is None else h.inst.datamap / str(vorige.uitvoer) / "uitvoer"
    run_id, provincie, naam = run.id, ronde.provincie, g.naam

    def start() -> None:
        map_ = h.inst.datamap / "runs" / str(run_id)
        if map_.exists():  # left by an earlier database at the same place
            shutil.rmtree(map_)
        h.inst.threads.append(
            start_run(
                h.sessies,
                run_id,
                bestanden,
                map_,
                naam,
                provincie,
                workers=h.inst.workers,
                vastleggingen=csv_,
                vorige=vorige_map,
            )
        )

    return run_id, start


# -- reading a run's outputs --------------------------------------------------------------


@lru_cache(maxsize=8)
def _lees_tabel(pad: str, _mtijd: float) -> pd.DataFrame:
    """A result CSV as text, as allocatie wrote it (cached per path and modification time)."""
    from allocatie.io.csvcel import csv_terug
    from allocatie.io.lezen import lees_csv

    return csv_terug(lees_csv(pad)).fillna("").astype(str)


def _tabel(uitvoer: Path, naam: str) -> pd.DataFrame | None:
    pad = uitvoer / naam
    if not pad.is_file():
        return None
    return _lees_tabel(str(pad), pad.stat().st_mtime)


def _overzicht(uitvoer: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((uitvoer / OVERZICHT).read_text(encoding="utf-8"))
    return data


def _plaatsing(uitvoer: Path) -> dict[str, tuple[str, str]]:
    """Household -> (option, gemeente) of a run's ``plaatsingen.csv``."""
    pl = _tabel(uitvoer, "plaatsingen.csv")
    if pl is None:
        return {}
    return {
        h: (a, g)
        for h, a, g in zip(pl["huishouden_id"], pl["aanbod_id"], pl["gemeente_code"], strict=True)
    }


# -- the routes ---------------------------------------------------------------------------


def routes(h: Hulp) -> list[Route]:
    """The routes of this module, to add to the application's."""

    def _run(request: Request, s: Session, sleutel: str = "run_id") -> tuple[Gebruiker, Run]:
        g = h.gebruiker(request, s)
        run = bv.run_van(s, g, int(request.path_params[sleutel]))
        if run is None:
            raise HTTPException(404, _NIET_GEVONDEN)
        return g, run

    def _klaar(run: Run) -> Path:
        if run.status != "klaar" or not run.uitvoer:
            raise HTTPException(404, "Deze run is (nog) niet klaar.")
        return h.inst.datamap / run.uitvoer / "uitvoer"

    def _mag(g: Gebruiker) -> None:
        if not bv.mag_rekenen(g):
            raise HTTPException(403, "Een lezer kan geen vastleggingen maken of runs starten.")

    # -- households ------------------------------------------------------------------------
    async def huishoudens(request: Request) -> Response:
        with h.sessies() as s:
            g, run = _run(request, s)
            uitvoer = _klaar(run)
            vast = {v.huishouden_id for v in actieve_vastleggingen(s, run.ronde_id)}
            q = request.query_params
            zoek, gemeente = q.get("zoek", "").strip(), q.get("gemeente", "").strip()
            status = q.get("status", "")
            try:
                nummer = max(1, int(q.get("pagina", "1")))
            except ValueError:
                nummer = 1
            tabel = await run_in_threadpool(_tabel, uitvoer, "verklaring.csv")
            if tabel is None:
                raise HTTPException(404, "Deze run heeft geen verklaring per huishouden.")
            keuze = pd.Series(True, index=tabel.index)
            if zoek:
                keuze &= tabel["huishouden_id"].str.contains(zoek, case=False, regex=False)
            if gemeente:
                keuze &= tabel["gemeente_code"] == gemeente
            if status == "geplaatst":
                keuze &= tabel["geplaatst_in"] != ""
            elif status == "onbediend":
                keuze &= tabel["geplaatst_in"] == ""
            elif status == "vastgelegd":
                keuze &= tabel["huishouden_id"].isin(vast)
            gekozen = tabel[keuze]
            paginas = max(1, math.ceil(len(gekozen) / PER_PAGINA))
            nummer = min(nummer, paginas)
            rijen = gekozen.iloc[(nummer - 1) * PER_PAGINA : nummer * PER_PAGINA]
            gemeenten = _overzicht(uitvoer)["per_gemeente"]
            namen = {r["gemeente_code"]: r.get("gemeente_naam", "") for r in gemeenten}
            filters = "".join(
                f", {naam} {waarde}"
                for naam, waarde in (("zoek", zoek), ("gemeente", gemeente), ("status", status))
                if waarde
            )
            bv.audit(
                s,
                g.naam,
                run.ronde.provincie,
                "huishoudens bekeken",
                f"run {run.id}, pagina {nummer} van {paginas}{filters}",
            )
            s.commit()
            return h.pagina(
                request,
                "huishoudens.html",
                gebruiker=g,
                run=run,
                ronde=run.ronde,
                rijen=rijen.to_dict(orient="records"),
                vast=vast,
                aantal=len(gekozen),
                nummer=nummer,
                paginas=paginas,
                zoek=zoek,
                gemeente=gemeente,
                statusfilter=status,
                gemeenten=gemeenten,
                namen=namen,
            )

    def _detail(
        request: Request,
        s: Session,
        g: Gebruiker,
        run: Run,
        hid: str,
        status: int = 200,
        fout: dict[str, Any] | None = None,
    ) -> Response:
        uitvoer = _klaar(run)
        tabel = _tabel(uitvoer, "verklaring.csv")
        rij = None if tabel is None else tabel[tabel["huishouden_id"] == hid]
        if rij is None or rij.empty:
            raise HTTPException(404, "Dit huishouden staat niet in deze run.")
        verschuiving = None
        vorige_plaats = None
        if run.vorige_run_id is not None:
            vs = _tabel(uitvoer, "verschuivingen.csv")
            if vs is not None:
                gevonden = vs[vs["huishouden_id"] == hid]
                if not gevonden.empty:
                    verschuiving = gevonden.iloc[0].to_dict()
            vorige = s.get(Run, run.vorige_run_id)
            if vorige is not None and vorige.uitvoer:
                vorige_plaats = _plaatsing(h.inst.datamap / vorige.uitvoer / "uitvoer").get(hid)
        gemeenten = _overzicht(uitvoer)["per_gemeente"]
        vastleggingen = list(
            s.scalars(
                select(Vastlegging)
                .where(Vastlegging.ronde_id == run.ronde_id, Vastlegging.huishouden_id == hid)
                .order_by(Vastlegging.id)
            )
        )
        return h.pagina(
            request,
            "huishouden.html",
            status,
            gebruiker=g,
            run=run,
            ronde=run.ronde,
            hh=rij.iloc[0].to_dict(),
            verschuiving=verschuiving,
            vorige_plaats=vorige_plaats,
            vastleggingen=vastleggingen,
            gemeenten=gemeenten,
            namen={r["gemeente_code"]: r.get("gemeente_naam", "") for r in gemeenten},
            mag_rekenen=bv.mag_rekenen(g),
            fout=fout,
        )

    async def huishouden(request: Request) -> Response:
        with h.sessies() as s:
            g, run = _run(request, s)
            hid = str(request.path_params["hid"])
            antwoord = _detail(request, s, g, run, hid)
            bv.audit(
                s,
                g.naam,
                run.ronde.provincie,
                "huishouden bekeken",
                f"run {run.id}: huishouden {hid}",
            )
            s.commit()
            return antwoord

    async def vastleggen(request: Request) -> Response:
        form = await h.formulier(request)
        hid = str(request.path_params["hid"])
        soort = str(form.get("soort", ""))
        reden = str(form.get("reden", "")).strip()
        aanbod = str(form.get("aanbod_id", "")).strip()
        gemeente = str(form.get("gemeente_code", "")).strip()
        with h.sessies() as s:
            g, run = _run(request, s)
            _mag(g)
            _klaar(run)
            fout = None
            if soort not in VASTLEGSOORTEN:
                fout = {
                    "kolom": "soort",
                    "waarde": soort,
                    "bericht": "kies vastzetten of uitsluiten",
                }
            elif not reden:
                fout = {"kolom": "reden", "bericht": "een reden is verplicht"}
            elif len(reden) > MAX_REDEN:
                fout = {
                    "kolom": "reden",
                    "bericht": f"een reden heeft hoogstens {MAX_REDEN} tekens",
                }
            nieuw = Vastlegging(
                ronde_id=run.ronde_id,
                run_id=run.id,
                huishouden_id=hid,
                soort=soort,
                aanbod_id=aanbod,
                gemeente_code=gemeente,
                reden=reden,
                gebruiker=g.naam,
            )
            if fout is None:
                alle = vastleg_csv([*actieve_vastleggingen(s, run.ronde_id), nieuw])
                bestanden = {b.naam: b.inhoud for b in run.ronde.bestanden}
                fout = await run_in_threadpool(_controleer, bestanden, alle)
            if fout is not None:
                return _weiger(request, s, g, run, nieuw, 422, fout)
        doel = _doel(aanbod, gemeente)
        try:
            with h.sessies() as s, s.begin():
                g, run = _run(request, s)
                s.add(nieuw)
                s.flush()
                bv.audit(
                    s,
                    g.naam,
                    run.ronde.provincie,
                    soort,
                    f"huishouden {hid} op {doel} (ronde {run.ronde_id}, vastlegging {nieuw.id})",
                    reden,
                )
        except IntegrityError:
            # Another request locked this household between the check and the insert:
            # the database's partial unique index (migration 0003) refused the second.
            fout = {
                "kolom": "huishouden_id",
                "waarde": hid,
                "bericht": "dit huishouden is intussen al vastgezet in deze ronde (hoogstens "
                "één vastzetting); bekijk de vastleggingen hierboven",
            }
            with h.sessies() as s:
                g, run = _run(request, s)
                return _weiger(request, s, g, run, nieuw, 409, fout)
        return RedirectResponse(f"/runs/{run.id}/huishoudens/{quote(hid, safe='')}", 303)

    def _weiger(
        request: Request,
        s: Session,
        g: Gebruiker,
        run: Run,
        nieuw: Vastlegging,
        status: int,
        fout: dict[str, Any],
    ) -> Response:
        """The household page with the error of a refused lock or ban, audited."""
        hid = nieuw.huishouden_id
        antwoord = _detail(request, s, g, run, hid, status, fout)
        bv.audit(
            s,
            g.naam,
            run.ronde.provincie,
            "vastleggen geweigerd",
            f"{nieuw.soort} huishouden {hid} op {_doel(nieuw.aanbod_id, nieuw.gemeente_code)} "
            f"(run {run.id})",
            _foutregel(fout),
        )
        s.commit()
        return antwoord

    async def verwijderen(request: Request) -> Response:
        form = await h.formulier(request)
        reden = str(form.get("reden", "")).strip()
        with h.sessies() as s, s.begin():
            g, run = _run(request, s)
            _mag(g)
            v = s.get(Vastlegging, int(request.path_params["vid"]))
            if v is None or v.ronde_id != run.ronde_id:
                raise HTTPException(404, "Deze vastlegging bestaat niet.")
            if v.verwijderd is not None:
                raise HTTPException(409, "Deze vastlegging is al verwijderd.")
            if not reden or len(reden) > MAX_REDEN:
                raise HTTPException(
                    422,
                    f"Geef een reden (1 tot {MAX_REDEN} tekens) om een vastlegging te verwijderen.",
                )
            v.verwijderd, v.verwijderd_door, v.verwijder_reden = nu(), g.naam, reden
            bv.audit(
                s,
                g.naam,
                run.ronde.provincie,
                "vastlegging verwijderd",
                f"vastlegging {v.id}: {v.soort} huishouden {v.huishouden_id} (ronde {v.ronde_id})",
                reden,
            )
            hid = v.huishouden_id
        return RedirectResponse(f"/runs/{run.id}/huishoudens/{quote(hid, safe='')}", 303)

    # -- re-run ----------------------------------------------------------------------------
    async def opnieuw(request: Request) -> Response:
        await h.formulier(request)
        with h.sessies() as s, s.begin():
            g, vorige = _run(request, s)
            _mag(g)
            _klaar(vorige)
            nieuw_id, start = begin_run(h, s, g, vorige.ronde, vorige)
        start()
        return RedirectResponse(f"/runs/{nieuw_id}", 303)

    # -- compare ---------------------------------------------------------------------------
    async def vergelijk(request: Request) -> Response:
        with h.sessies() as s:
            g, a = _run(request, s)
            try:
                met = int(request.query_params.get("met", ""))
            except ValueError:
                raise HTTPException(404, _NIET_GEVONDEN) from None
            b = bv.run_van(s, g, met)
            if b is None or b.ronde_id != a.ronde_id:
                raise HTTPException(404, _NIET_GEVONDEN)
            # The earlier run on the left.
            if b.id < a.id:
                a, b = b, a
            ua, ub = _klaar(a), _klaar(b)
            context = await run_in_threadpool(_vergelijking, a, b, ua, ub)
            bv.audit(
                s,
                g.naam,
                a.ronde.provincie,
                "vergelijking bekeken",
                f"run {a.id} en run {b.id}: {len(context['verhuisd'])} huishoudens verschoven",
            )
            s.commit()
            return h.pagina(
                request, "vergelijk.html", gebruiker=g, a=a, b=b, ronde=a.ronde, **context
            )

    # -- map -------------------------------------------------------------------------------
    async def kaart(request: Request) -> Response:
        with h.sessies() as s:
            _, run = _run(request, s)
            _klaar(run)
            pad = h.inst.datamap / str(run.uitvoer) / KAART
        if not pad.is_file():
            raise HTTPException(404, "Deze run heeft geen kaart.")
        return FileResponse(pad, media_type="text/html; charset=utf-8")

    return [
        Route("/runs/{run_id:int}/huishoudens", huishoudens),
        # ``path``: a household id may hold "/" (sent as %2F, decoded before routing).
        # A POST ending in /vastleggen skips the GET route (method) and lands on its own.
        Route("/runs/{run_id:int}/huishoudens/{hid:path}", huishouden),
        Route("/runs/{run_id:int}/huishoudens/{hid:path}/vastleggen", vastleggen, methods=["POST"]),
        Route(
            "/runs/{run_id:int}/vastleggingen/{vid:int}/verwijderen", verwijderen, methods=["POST"]
        ),
        Route("/runs/{run_id:int}/opnieuw", opnieuw, methods=["POST"]),
        Route("/runs/{run_id:int}/vergelijk", vergelijk),
        Route("/runs/{run_id:int}/kaart", kaart),
    ]


def _doel(aanbod: str, gemeente: str) -> str:
    """The target of a lock or ban in words: the option, else the gemeente."""
    return aanbod or f"gemeente {gemeente}"


def _foutregel(fout: dict[str, Any]) -> str:
    """A refused lock's error for the audit log: where, then what (cut at 1,000 characters).

    >>> _foutregel({"rij": 3, "kolom": "aanbod_id", "waarde": "W-XX", "bericht": "onbekend"})
    'rij 3, kolom aanbod_id, waarde W-XX: onbekend'
    """
    waar = ", ".join(
        f"{k} {fout[k]}" for k in ("bestand", "rij", "kolom", "waarde") if fout.get(k) is not None
    )
    return (f"{waar}: {fout['bericht']}" if waar else str(fout["bericht"]))[:1000]


def _vergelijking(a: Run, b: Run, ua: Path, ub: Path) -> dict[str, Any]:
    """Per gemeente and per household that moved, run ``a`` against the later run ``b``.

    The reasons come from ``verschuivingen.csv`` of ``b`` when ``b`` was re-run
    from ``a`` (`allocatie.resultaat.verschuiving`); otherwise there are none.
    """
    ga = {r["gemeente_code"]: r for r in _overzicht(ua)["per_gemeente"]}
    gemeenten = []
    for r in _overzicht(ub)["per_gemeente"]:
        oud = ga.get(r["gemeente_code"], {})
        gemeenten.append(
            {
                "gemeente_code": r["gemeente_code"],
                "gemeente_naam": r.get("gemeente_naam", ""),
                "geplaatst_a": oud.get("geplaatst", 0),
                "geplaatst_b": r["geplaatst"],
                "verschil": int(r["geplaatst"]) - int(oud.get("geplaatst", 0)),
                "tekort_a": oud.get("tekort", 0),
                "tekort_b": r["tekort"],
            }
        )
    namen = {r["gemeente_code"]: r.get("gemeente_naam", "") for r in gemeenten}

    def plaats(p: tuple[str, str] | None) -> str:
        if p is None:
            return "onbediend"
        naam = namen.get(p[1])
        return f"{p[0]}, {naam} ({p[1]})" if naam else f"{p[0]} ({p[1]})"

    pa, pb = _plaatsing(ua), _plaatsing(ub)
    redenen: dict[str, str] = {}
    met_reden = b.vorige_run_id == a.id
    if met_reden:
        vs = _tabel(ub, "verschuivingen.csv")
        if vs is not None:
            redenen = dict(zip(vs["huishouden_id"], vs["reden"], strict=True))
    verhuisd = []
    for hid in sorted(set(pa) | set(pb)):
        van, naar = pa.get(hid), pb.get(hid)
        if van == naar:
            continue
        verhuisd.append(
            {
                "huishouden_id": hid,
                "van": plaats(van),
                "naar": plaats(naar),
                "reden": redenen.get(hid, ""),
            }
        )
    return {"gemeenten": gemeenten, "verhuisd": verhuisd, "met_reden": met_reden}

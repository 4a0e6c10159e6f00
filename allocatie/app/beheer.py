"""Account pages of ``allocatie app`` and the run bundle.

The beheerder manages accounts, everyone their own password, and every reader
of a run downloads its whole output as one zip (`bundel`).

``/beheer`` (beheerder only) lists the accounts, adds one (rol, provincie),
sets a new password, and withdraws or restores an account
(`allocatie.app.beveiliging.trek_in`: no schema change, the hash is made
unusable). ``/account`` lets every user change their own password, with the
current one. Every POST carries the session's CSRF token (checked by the
application's ``formulier``); every change is audited, never with a password.
Another role gets 403 on every beheer page, so no account can raise its own
role or read the list of accounts.

``/runs/{id}/bundel.zip`` holds every file ``allocatie ronde`` wrote for the
run (workbook, report, archive, ...); it is built once, next to the output,
and looked up through the provincie scope like every other download.
"""

from __future__ import annotations

import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from allocatie.app import beveiliging as bv
from allocatie.app.db import ROLLEN, Gebruiker, Run
from allocatie.app.rekenen import OVERZICHT
from allocatie.io.atomisch import atomisch_pad
from allocatie.kern.errors import InvoerFout

__all__ = ["Paginahulp", "beheerroutes", "bundel"]


@dataclass(frozen=True)
class Paginahulp:
    """What the account pages take from the application (`allocatie.app.web.maak_app`)."""

    sessies: sessionmaker[Session]
    pagina: Callable[..., Response]
    gebruiker: Callable[[Request, Session], Gebruiker]
    formulier: Callable[[Request], Awaitable[FormData]]
    run: Callable[[Request, Session], tuple[Gebruiker, Run]]
    datamap: Path


def _omschrijving(g: Gebruiker) -> str:
    return f"gebruiker {g.naam} ({g.rol}{', ' + g.provincie if g.provincie else ''})"


def beheerroutes(h: Paginahulp) -> list[Route]:
    """The routes of the account pages."""

    def _beheerder(request: Request, s: Session) -> Gebruiker:
        g = h.gebruiker(request, s)
        if g.rol != "beheerder":
            raise HTTPException(403, "Alleen een beheerder beheert accounts.")
        return g

    def _beheerpagina(
        request: Request, s: Session, g: Gebruiker, status: int = 200, **context: Any
    ) -> Response:
        return h.pagina(
            request,
            "beheer.html",
            status,
            gebruiker=g,
            gebruikers=bv.gebruikers(s),
            rollen=ROLLEN,
            actief=bv.actief,
            min_wachtwoord=bv.MIN_WACHTWOORD,
            **context,
        )

    async def beheer(request: Request) -> Response:
        with h.sessies() as s:
            return _beheerpagina(request, s, _beheerder(request, s))

    async def toevoegen(request: Request) -> Response:
        form = await h.formulier(request)
        with h.sessies() as s:
            _beheerder(request, s)
        rol = str(form.get("rol", ""))
        velden = {
            "naam": str(form.get("naam", "")).strip(),
            "wachtwoord": str(form.get("wachtwoord", "")),
            "rol": rol,
            "provincie": str(form.get("provincie", "")).strip() or None,
        }
        return await run_in_threadpool(_toevoegen, request, velden)

    def _toevoegen(request: Request, velden: dict[str, Any]) -> Response:
        with h.sessies() as s, s.begin():
            g = _beheerder(request, s)
            try:
                nieuw = bv.maak_gebruiker(s, **velden)
            except InvoerFout as fout:  # raised before anything is added
                return _beheerpagina(request, s, g, 422, fout=_tekst(fout))
            bv.audit(s, g.naam, nieuw.provincie, "account toegevoegd", _omschrijving(nieuw))
        return RedirectResponse("/beheer", 303)

    async def wijzig(request: Request) -> Response:
        """One change to one account: ``wachtwoord``, ``intrekken`` or ``herstellen``."""
        form = await h.formulier(request)
        actie = str(request.path_params["actie"])
        wachtwoord = str(form.get("wachtwoord", ""))
        uid = int(request.path_params["gebruiker_id"])
        return await run_in_threadpool(_wijzig, request, uid, actie, wachtwoord)

    def _wijzig(request: Request, uid: int, actie: str, wachtwoord: str) -> Response:
        with h.sessies() as s, s.begin():
            g = _beheerder(request, s)
            doel = s.get(Gebruiker, uid)
            if doel is None:
                raise HTTPException(404, "Dit account bestaat niet.")
            if actie == "wachtwoord":
                try:
                    bv.zet_wachtwoord(doel, wachtwoord)
                except InvoerFout as fout:  # raised before the hash changes
                    return _beheerpagina(request, s, g, 422, fout=_tekst(fout))
                wat = "wachtwoord opnieuw ingesteld"
            elif actie == "intrekken":
                if doel.id == g.id:
                    eigen = "U kunt uw eigen account niet intrekken."
                    return _beheerpagina(request, s, g, 422, fout=eigen)
                bv.trek_in(doel)
                wat = "account ingetrokken"
            elif actie == "herstellen":
                bv.herstel(doel)
                wat = "account hersteld"
            else:
                raise HTTPException(404, "Deze handeling bestaat niet.")
            bv.audit(s, g.naam, doel.provincie, wat, _omschrijving(doel))
        return RedirectResponse("/beheer", 303)

    async def account(request: Request) -> Response:
        """Change one's own password (every role); the current password is required."""
        if request.method == "GET":
            with h.sessies() as s:
                g = h.gebruiker(request, s)
                return h.pagina(
                    request, "account.html", gebruiker=g, min_wachtwoord=bv.MIN_WACHTWOORD
                )
        form = await h.formulier(request)
        velden = {k: str(form.get(k, "")) for k in ("oud", "nieuw", "herhaald")}
        return await run_in_threadpool(_wijzig_eigen, request, velden)

    def _wijzig_eigen(request: Request, velden: dict[str, str]) -> Response:
        with h.sessies() as s, s.begin():
            g = h.gebruiker(request, s)
            try:
                bv.wijzig_wachtwoord(g, velden["oud"], velden["nieuw"], velden["herhaald"])
            except InvoerFout as fout:  # raised before the hash changes
                bv.audit(s, g.naam, g.provincie, "wachtwoord wijzigen geweigerd", "", fout.bericht)
                return h.pagina(
                    request,
                    "account.html",
                    422,
                    gebruiker=g,
                    min_wachtwoord=bv.MIN_WACHTWOORD,
                    fout=fout.bericht,
                )
            bv.audit(s, g.naam, g.provincie, "wachtwoord gewijzigd", _omschrijving(g))
            request.session[bv.AFDRUK] = bv.vingerafdruk(g)  # this session stays, others end
        return h.pagina(
            request,
            "account.html",
            gebruiker=g,
            min_wachtwoord=bv.MIN_WACHTWOORD,
            gelukt="Uw wachtwoord is gewijzigd.",
        )

    async def bundel_download(request: Request) -> Response:
        with h.sessies() as s, s.begin():
            g, run = h.run(request, s)
            if run.status != "klaar" or not run.uitvoer:
                raise HTTPException(404, "Deze run heeft (nog) geen uitvoer.")
            naam = f"run-{run.id}.zip"
            bv.audit(s, g.naam, run.ronde.provincie, "download", f"run {run.id}: {naam}")
            map_ = h.datamap / run.uitvoer
        pad = await run_in_threadpool(bundel, map_)
        return FileResponse(pad, filename=naam, media_type="application/zip")

    return [
        Route("/runs/{run_id:int}/bundel.zip", bundel_download),
        Route("/beheer", beheer),
        Route("/beheer/gebruikers", toevoegen, methods=["POST"]),
        Route("/beheer/gebruikers/{gebruiker_id:int}/{actie:str}", wijzig, methods=["POST"]),
        Route("/account", account, methods=["GET", "POST"]),
    ]


def _tekst(fout: InvoerFout) -> str:
    """The Dutch message of ``fout`` for the page (the field, not the value: it may be secret)."""
    return f"{fout.kolom}: {fout.bericht}" if fout.kolom else fout.bericht


#: The zip of a run's whole output, in the run's folder (beside ``uitvoer/``).
BUNDEL = "bundel.zip"


def bundel(map_: Path) -> Path:
    """The zip of every output file of the run folder ``map_``, made on first use.

    The files go in as ``allocatie ronde`` wrote them, in a folder named after
    the run (``run-<nummer>/``); the page's own overview (``overzicht.json``) stays out.
    """
    pad = map_ / BUNDEL
    if pad.is_file():
        return pad
    uitvoer = map_ / "uitvoer"
    with atomisch_pad(pad) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for bestand in sorted(uitvoer.rglob("*")):
            if bestand.is_file() and bestand.name != OVERZICHT:
                z.write(bestand, f"run-{map_.name}/{bestand.relative_to(uitvoer)}")
    return pad

"""Run a round in the background: a thread per run hands the solve to `allocatie.kern.sweep`.

The web request that starts a run returns at once. A thread of the server
(`start_run`) writes the round's files to the run's folder and calls
`allocatie.kern.sweep.veeg` with one task, so the solve runs in a separate
local process (or on the Dask cluster of ``ALLOCATIE_SCHEDULER``) and the
server stays responsive. The worker (`bereken`) reads the round with
`allocatie.invoer.laden.laad_ronde`, solves it, and writes every output as
``allocatie ronde`` does (`allocatie.reports.uitvoer.schrijf_uitvoer`); it
reports its progress phase by phase into ``voortgang.json`` of the run folder,
which the status page reads.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from allocatie.app.db import AuditRegel, Run, nu
from allocatie.io.atomisch import atomisch_pad
from allocatie.kern.voortgang import Melding

__all__ = [
    "BRON_VASTLEGGINGEN",
    "KAART",
    "OVERZICHT",
    "VASTLEGGINGEN",
    "VOORTGANG",
    "RunTaak",
    "bereken",
    "lees_voortgang",
    "start_run",
]

logger = logging.getLogger(__name__)

#: Progress of a running run (last phase), in its folder.
VOORTGANG = "voortgang.json"
#: What the results page shows (summary and per gemeente with provincie), in the output folder.
OVERZICHT = "overzicht.json"


#: The map of a finished run (`allocatie.reports.html.kaart_html`), in its folder.
KAART = "kaart.html"
#: The locks and bans set in the app for a run, as a CSV, in its folder.
VASTLEGGINGEN = "vastleggingen-regietafel.csv"
#: How errors name the app's locks and bans (`laad_ronde`'s ``bron_erbij``).
BRON_VASTLEGGINGEN = "vastleggingen van de regietafel"


@dataclass(frozen=True)
class RunTaak:
    """What the worker needs: the round folder and where the outputs go.

    ``vastleggingen`` is a CSV of locks and bans set in the app (columns of
    ``vastleggingen.csv``), ``vorige`` the output folder of the run whose
    outcome this one keeps stable (`allocatie.invoer.vorige`); both optional.
    """

    invoer: Path
    uitvoer: Path
    voortgang: Path
    vastleggingen: Path | None = None
    vorige: Path | None = None

    @property
    def kaart(self) -> Path:
        """Where the map of the run goes (next to the progress file)."""
        return self.voortgang.parent / KAART


class _Schrijver:
    """Progress receiver: the newest start or interim event into a JSON file."""

    def __init__(self, pad: Path) -> None:
        self.pad = pad

    def __call__(self, melding: Melding) -> None:
        if melding.klaar:
            return
        try:
            _schrijf_json(self.pad, {"fase": melding.fase, "tekst": melding.tekst})
        except OSError:  # progress is a courtesy, never a reason to fail the run
            logger.warning("voortgang niet geschreven naar %s", self.pad)


def bereken(taak: RunTaak) -> dict[str, Any]:
    """Read, solve and write one round (in a worker process); the overview for the page."""
    from allocatie.invoer.laden import laad_ronde
    from allocatie.invoer.vorige import lees_vorige_uitkomst
    from allocatie.io.lezen import lees_csv
    from allocatie.kern.voortgang import fase
    from allocatie.reports.html import kaart_html
    from allocatie.reports.namen import met_code, regionamen
    from allocatie.reports.uitvoer import samenvatting, schrijf_uitvoer, verklaringen
    from allocatie.strategie.oplossen import los_op

    voortgang = _Schrijver(taak.voortgang)
    gestart = dt.datetime.now().astimezone()
    erbij = None if taak.vastleggingen is None else lees_csv(taak.vastleggingen)
    inst = laad_ronde(
        taak.invoer,
        voortgang=voortgang,
        vastleggingen_erbij=erbij,
        bron_erbij=BRON_VASTLEGGINGEN,
    )
    vorige = None if taak.vorige is None else lees_vorige_uitkomst(taak.vorige)
    res = los_op(inst, voortgang=voortgang, vorige=vorige)
    klaar = dt.datetime.now().astimezone()
    with fase(voortgang, "verklaring", "Verklaringen opstellen"):
        verklaring = verklaringen(inst, res)
    schrijf_uitvoer(
        inst,
        res,
        taak.uitvoer,
        gestart=gestart,
        klaar=klaar,
        verklaring=verklaring,
        voortgang=voortgang,
    )
    provincie = inst.gemeenten.set_index("gemeente_code")["provincie_code"]
    per_gemeente = res.per_gemeente.copy()
    per_gemeente.insert(2, "provincie_code", per_gemeente["gemeente_code"].map(provincie))
    # "Utrecht (PV27)"; the code alone when the round names no provincie (PV99).
    namen = {c: met_code(n, c) for c, n in regionamen(inst.gemeenten, "provincie").items()}
    per_gemeente.insert(3, "provincie", per_gemeente["provincie_code"].map(namen))
    overzicht = {
        "samenvatting": samenvatting(inst, res),
        "per_gemeente": json.loads(per_gemeente.to_json(orient="records")),
    }
    _schrijf_json(taak.uitvoer / OVERZICHT, overzicht)
    with atomisch_pad(taak.kaart) as tmp:
        tmp.write_text(kaart_html(inst, res, gemaakt=klaar), encoding="utf-8")
    return {"geplaatst": overzicht["samenvatting"]["aantallen"]["huishoudens_geplaatst"]}


def _schrijf_json(pad: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as UTF-8 JSON to ``pad``, atomically."""
    with atomisch_pad(pad) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def lees_voortgang(map_: Path) -> str:
    """The text of the newest progress event of a run folder, or ''."""
    try:
        return str(json.loads((map_ / VOORTGANG).read_text(encoding="utf-8"))["tekst"])
    except (OSError, ValueError, KeyError):
        return ""


def start_run(
    sessies: sessionmaker[Session],
    run_id: int,
    bestanden: dict[str, bytes],
    map_: Path,
    gebruiker: str,
    provincie: str,
    *,
    workers: int | None = None,
    vastleggingen: bytes | None = None,
    vorige: Path | None = None,
) -> threading.Thread:
    """Start run ``run_id`` in a background thread; the thread records its outcome.

    ``bestanden`` are the round's files (name: bytes), written to ``map_/invoer``;
    the outputs go to ``map_/uitvoer``. ``workers`` is passed to `veeg`
    (None: one local process; 1: in this process, for tests and debugging).
    ``vastleggingen`` is the CSV of the app's locks and bans (written to
    ``map_/VASTLEGGINGEN``), ``vorige`` the output folder of the previous run.
    """
    thread = threading.Thread(
        target=_draai,
        args=(sessies, run_id, bestanden, map_, gebruiker, provincie, workers),
        kwargs={"vastleggingen": vastleggingen, "vorige": vorige},
        name=f"allocatie-run-{run_id}",
        daemon=True,
    )
    thread.start()
    return thread


def _draai(
    sessies: sessionmaker[Session],
    run_id: int,
    bestanden: dict[str, bytes],
    map_: Path,
    gebruiker: str,
    provincie: str,
    workers: int | None,
    *,
    vastleggingen: bytes | None = None,
    vorige: Path | None = None,
) -> None:
    from allocatie.kern.errors import AllocatieFout, SweepFout
    from allocatie.kern.sweep import veeg

    invoer = map_ / "invoer"
    invoer.mkdir(parents=True, exist_ok=True)
    for naam, inhoud in bestanden.items():
        (invoer / naam).write_bytes(inhoud)
    extra = None
    if vastleggingen is not None:
        extra = map_ / VASTLEGGINGEN
        extra.write_bytes(vastleggingen)
    taak = RunTaak(
        invoer=invoer,
        uitvoer=map_ / "uitvoer",
        voortgang=map_ / VOORTGANG,
        vastleggingen=extra,
        vorige=vorige,
    )
    with sessies() as s, s.begin():
        run = s.get_one(Run, run_id)
        run.status = "bezig"
    status, melding = "klaar", ""
    try:
        veeg(bereken, [taak], workers=workers, naam="run", tekst="Ronde doorrekenen")
    except SweepFout as fout:
        oorzaak = fout.__cause__
        status = "mislukt"
        melding = str(oorzaak) if isinstance(oorzaak, AllocatieFout) else str(fout)
    except Exception as fout:  # the thread must always record an outcome
        logger.exception("run %d mislukt", run_id)
        status, melding = "mislukt", f"{type(fout).__name__}: {fout}"
    with sessies() as s, s.begin():
        run = s.get_one(Run, run_id)
        run.status = status
        run.melding = melding
        run.klaar = nu()
        s.add(
            AuditRegel(
                gebruiker=gebruiker,
                provincie=provincie,
                actie=f"run {status}",
                onderwerp=f"run {run_id} van ronde {run.ronde_id}",
                reden=melding[:500],
            )
        )

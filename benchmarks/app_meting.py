"""Measurements of the web application (``allocatie app``, issue 19) on a national round.

A national round (family ``nationaal-8000``: the real 2024 geography, 342
gemeenten, 8,000 households, 150 flexible sites) is generated with the
project's generator, then:

(c) solved once directly (``allocatie ronde``, a child process) and once
    through the application (upload, "Doorrekenen"), wall clock and CPU time
    of each; the application's CPU time is that of the server process and
    the worker processes it reaped (``psutil``: own plus children);
(b) while the application solves, a second user (a lezer) browses: the
    latency of the round list, the round page, the audit log and the status
    fragment, against the same pages when the server is idle;
(a) after the run, each results page is fetched ``--herhalingen`` times
    (median and maximum): the run page with the per-gemeente table of all
    342 gemeenten, the same table filtered to one provincie, the households
    pages of ``/runs/N/huishoudens`` (the first page of all 8,000, a search
    on part of an id, the filter on the gemeente with the most households,
    the last page, and one household with its explanation; the very first
    request, which reads the run's table, apart), and the whole
    output as one zip (first request builds it, the rest serve it). Every
    households page writes its audit line, as in use.

``--alleen-paginas`` repeats (a) only, on the run of an earlier measurement in
the same ``--werkmap`` (its server data folder is kept): the pages are those
of the same national run, the solve is not repeated and (b) and (c) are not
measured. The zip is removed first, so its first request builds it again.

The server is a real ``allocatie app`` (uvicorn) in a child process on
127.0.0.1, reached over HTTP with httpx. Without the real geography
(``../shared/data/nl2024`` beside the project, ``ALLOCATIE_NL2024`` or
``--nl2024``) the script says so and exits 0. The results are printed and
written as JSON (``--json``); ``benchmarks/RESULTS.md`` holds the figures
of a run by hand.

    python -m benchmarks.app_meting --werkmap /tmp/app-meting --json /tmp/app-meting.json
    python -m benchmarks.app_meting --werkmap /tmp/app-meting --alleen-paginas
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from benchmarks import registry

WACHTWOORD = "meting-wachtwoord-2024"
PROVINCIE = "PV27"
FAMILIE = "nationaal-8000"
#: Solver time limit of the measured round: a safety net only, far above the solve
#: (the solve is bounded by work, ``inspanning``), so both solves do the same work.
TIJDSLIMIET_S = 1800
DOEL_PAGINA_S = 2.0
DOEL_OVERHEAD = 0.10
#: The gemeente whose households filter is measured (the largest; else the first listed).
GROOTSTE_GEMEENTE = "GM0363"


def _cpu_kind() -> float:
    """CPU seconds (user + system) of the reaped children of this process so far."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _cpu_boom(pid: int) -> tuple[float, float]:
    """CPU seconds of process ``pid``: its own, and those of the children it reaped."""
    import psutil

    t = psutil.Process(pid).cpu_times()
    return t.user + t.system, t.children_user + t.children_system


def _belasting() -> str:
    een, vijf, vijftien = os.getloadavg()
    return f"{een:.2f} / {vijf:.2f} / {vijftien:.2f} (1/5/15 min) op {os.cpu_count()} cores"


def _ronde(werkmap: Path) -> Path:
    """The national round (generated once into ``werkmap``), with the measuring time limit."""
    fam = registry.familie(FAMILIE)
    doel = werkmap / "ronde"
    if not (doel / "ronde.toml").is_file():
        fam.bouwer(fam, doel)
    toml = doel / "ronde.toml"
    tekst = toml.read_text(encoding="utf-8")
    regel = f"tijdslimiet_s = {TIJDSLIMIET_S}"
    if "tijdslimiet_s" in tekst:
        tekst = re.sub(r"tijdslimiet_s = [0-9.]+", regel, tekst)
    elif "[solver]" in tekst:
        tekst = tekst.replace("[solver]", f"[solver]\n{regel}", 1)
    else:
        tekst += f"\n[solver]\n{regel}\n"
    toml.write_text(tekst, encoding="utf-8")
    return doel


def meet_direct(ronde: Path, werkmap: Path) -> dict[str, float]:
    """``allocatie ronde`` in a child process: wall clock and CPU seconds."""
    cpu0, t0 = _cpu_kind(), time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            registry.CLI,
            "ronde",
            str(ronde),
            "--uitvoer",
            str(werkmap / "direct"),
            "--overschrijf",
            "--stil",
        ],
        check=True,
        cwd=registry.PROJECT,
    )
    return {"wand_s": time.perf_counter() - t0, "cpu_s": _cpu_kind() - cpu0}


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _csrf(html: str) -> str:
    gevonden = re.search(r'name="csrf" value="([^"]+)"', html)
    if gevonden is None:
        raise RuntimeError("geen CSRF-veld op de pagina")
    return gevonden.group(1)


class Server:
    """``allocatie app`` in a child process, with two accounts (made unless ``bestaand``)."""

    def __init__(self, datamap: Path, bestaand: bool = False) -> None:
        self.datamap = datamap
        self.poort = _vrije_poort()
        self.adres = f"http://127.0.0.1:{self.poort}"
        omgeving = {**os.environ, "ALLOCATIE_APP_WACHTWOORD": WACHTWOORD}
        for naam, rol in () if bestaand else (("bea", "beheerder"), ("lies", "lezer")):
            args = ["app", "gebruiker", "toevoegen", naam, "--rol", rol, "--datamap", str(datamap)]
            if rol != "beheerder":
                args += ["--provincie", PROVINCIE]
            subprocess.run(
                [sys.executable, "-c", registry.CLI, *args],
                check=True,
                env=omgeving,
                capture_output=True,
            )
        opdracht = ["app", "--datamap", str(datamap), "--port", str(self.poort), "--geen-browser"]
        self.proces = subprocess.Popen(
            [sys.executable, "-c", registry.CLI, *opdracht], cwd=registry.PROJECT
        )
        import httpx

        for _ in range(120):
            try:
                httpx.get(f"{self.adres}/inloggen", timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.5)
        raise RuntimeError("de server start niet")

    def client(self, naam: str) -> Any:
        """An httpx client logged in as ``naam``, with its CSRF token as ``.csrf``."""
        import httpx

        c = httpx.Client(base_url=self.adres, timeout=120, follow_redirects=True)
        token = _csrf(c.get("/inloggen").text)
        r = c.post("/inloggen", data={"naam": naam, "wachtwoord": WACHTWOORD, "csrf": token})
        r.raise_for_status()
        c.csrf = _csrf(r.text)  # type: ignore[attr-defined]
        return c

    def stop(self) -> None:
        self.proces.send_signal(signal.SIGINT)
        try:
            self.proces.wait(30)
        except subprocess.TimeoutExpired:
            self.proces.kill()


def _tijden(doe: Callable[[], Any], n: int) -> dict[str, float]:
    tijden = []
    for _ in range(n):
        t0 = time.perf_counter()
        doe()
        tijden.append(time.perf_counter() - t0)
    return {"mediaan_s": statistics.median(tijden), "max_s": max(tijden), "n": n}


def _haal(c: Any, url: str) -> Callable[[], Any]:
    def doe() -> Any:
        r = c.get(url)
        r.raise_for_status()
        return r

    return doe


def _bladeren(c: Any, urls: list[str], stop: threading.Event, uit: list[float]) -> None:
    """Fetch ``urls`` round and round until ``stop``; each latency into ``uit``."""
    while not stop.is_set():
        for url in urls:
            t0 = time.perf_counter()
            c.get(url).raise_for_status()
            uit.append(time.perf_counter() - t0)
            time.sleep(0.2)


def _samenvatting(tijden: list[float]) -> dict[str, float]:
    return {
        "n": len(tijden),
        "mediaan_s": statistics.median(tijden) if tijden else float("nan"),
        "max_s": max(tijden) if tijden else float("nan"),
    }


def meet_app(ronde: Path, werkmap: Path, herhalingen: int) -> dict[str, Any]:
    """Upload and solve through the application; browse during the solve; time the pages."""
    datamap = werkmap / "regietafel"
    if datamap.exists():
        import shutil

        shutil.rmtree(datamap)
    server = Server(datamap)
    try:
        bea, lies = server.client("bea"), server.client("lies")
        bestanden = [
            ("bestanden", (p.name, p.read_bytes(), "application/octet-stream"))
            for p in sorted(ronde.iterdir())
            if p.suffix in (".csv", ".toml", ".geojson")
        ]
        r = bea.post("/rondes", data={"csrf": bea.csrf, "provincie": PROVINCIE}, files=bestanden)
        r.raise_for_status()
        ronde_id = int(str(r.url).rsplit("/", 1)[1])
        bladeren = ["/rondes", f"/rondes/{ronde_id}", "/auditlog"]
        rust = [_tijden(_haal(lies, u), 5)["mediaan_s"] for u in bladeren]

        cpu0 = _cpu_boom(server.proces.pid)
        t0 = time.perf_counter()
        r = bea.post(f"/rondes/{ronde_id}/runs", data={"csrf": bea.csrf})
        r.raise_for_status()
        run_id = int(str(r.url).rsplit("/", 1)[1])
        stop, latenties = threading.Event(), []
        lezer = threading.Thread(
            target=_bladeren, args=(lies, [*bladeren, f"/runs/{run_id}/status"], stop, latenties)
        )
        lezer.start()
        while True:
            status = bea.get(f"/runs/{run_id}/status")
            if "HX-Refresh" in status.headers:
                break
            time.sleep(0.5)
        wand = time.perf_counter() - t0
        stop.set()
        lezer.join()
        time.sleep(1.0)  # the pool's workers are reaped after the run is marked done
        cpu1 = _cpu_boom(server.proces.pid)
        eigen, kinderen = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
        pagina = bea.get(f"/runs/{run_id}").text
        if "status-klaar" not in pagina:
            raise RuntimeError(f"de run is niet klaar: {pagina[:2000]}")
        return {
            "run": run_id,
            # cpu_s: the server process (serving, the run's thread) plus its reaped
            # children (the solve); both parts apart as well.
            "oplossen": {
                "wand_s": wand,
                "cpu_s": eigen + kinderen,
                "cpu_server_s": eigen,
                "cpu_rekenproces_s": kinderen,
            },
            "in_rust": dict(zip(bladeren, rust, strict=True)),
            "tijdens_oplossen": _samenvatting(latenties),
            **meet_paginas(lies, run_id, herhalingen),
        }
    finally:
        server.stop()


def meet_paginas(c: Any, run_id: int, herhalingen: int) -> dict[str, Any]:
    """(a): the results and households pages of finished run ``run_id``, then the zip."""
    uitkomst: dict[str, Any] = {"belasting_paginas": _belasting()}
    paginas: dict[str, Any] = {
        "resultaat (alle 342 gemeenten)": _tijden(_haal(c, f"/runs/{run_id}"), herhalingen),
        f"per gemeente, provincie {PROVINCIE}": _tijden(
            _haal(c, f"/runs/{run_id}?provincie={PROVINCIE}"), herhalingen
        ),
    }
    paginas.update(_huishoudenspaginas(c, run_id, herhalingen))
    t1 = time.perf_counter()
    zip_ = c.get(f"/runs/{run_id}/bundel.zip")
    zip_.raise_for_status()
    eerste_zip = time.perf_counter() - t1
    paginas["zip (eerste keer, bouwt hem)"] = {"mediaan_s": eerste_zip, "max_s": eerste_zip, "n": 1}
    paginas["zip (daarna)"] = _tijden(_haal(c, f"/runs/{run_id}/bundel.zip"), 3)
    uitkomst.update(paginas=paginas, zip_mb=len(zip_.content) / 1e6)
    return uitkomst


def _aantal(html: str) -> int:
    """The number of households a households page says it found."""
    gevonden = re.search(r'id="aantal">([0-9]+) huishoudens; pagina [0-9]+ van ([0-9]+)', html)
    if gevonden is None:
        raise RuntimeError("geen aantal huishoudens op de pagina")
    return int(gevonden.group(1))


def _huishoudenspaginas(c: Any, run_id: int, n: int) -> dict[str, Any]:
    """The households pages: first page, a search, a gemeente, the last page, one household."""
    basis = f"/runs/{run_id}/huishoudens"
    # The first request reads the run's verklaring.csv; the later ones find it cached.
    t0 = time.perf_counter()
    eerste = c.get(basis)
    eerste.raise_for_status()
    koud = time.perf_counter() - t0
    totaal = _aantal(eerste.text)
    ids = re.findall(rf'href="{re.escape(basis)}/([^"]+)"', eerste.text)
    if not ids:
        raise RuntimeError("geen huishoudens op de eerste pagina")
    # Part of an id: every id sharing all but its last character (about ten).
    zoek = ids[0][:-1]
    codes = re.findall(r'<option value="(GM[0-9]{4})"', eerste.text)
    gemeente = GROOTSTE_GEMEENTE if GROOTSTE_GEMEENTE in codes else codes[0]
    laatste = -(-totaal // 50)
    urls = {
        f"huishoudens, eerste pagina (van {totaal})": basis,
        f"huishoudens, zoeken op '{zoek}'": f"{basis}?zoek={quote(zoek)}",
        f"huishoudens, gemeente {gemeente}": f"{basis}?gemeente={gemeente}",
        f"huishoudens, laatste pagina ({laatste})": f"{basis}?pagina={laatste}",
        "één huishouden met uitleg": f"{basis}/{ids[0]}",
    }
    uit: dict[str, Any] = {
        "huishoudens, eerste keer (leest verklaring.csv)": {
            "mediaan_s": koud,
            "max_s": koud,
            "n": 1,
        }
    }
    for naam, url in urls.items():
        gemeten = _tijden(_haal(c, url), n)
        if "?" in url:
            gemeten["gevonden"] = _aantal(c.get(url).text)
        uit[naam] = gemeten
    return uit


def _laatste_run(datamap: Path) -> int:
    """The newest finished run in the application's SQLite database of ``datamap``."""
    with sqlite3.connect(datamap / "app.sqlite") as db:
        rij = db.execute("SELECT max(id) FROM runs WHERE status = 'klaar'").fetchone()
    if rij is None or rij[0] is None:
        raise RuntimeError(f"geen afgeronde run in {datamap}; meet eerst zonder --alleen-paginas")
    return int(rij[0])


def meet_alleen_paginas(werkmap: Path, herhalingen: int) -> dict[str, Any]:
    """(a) again on the run an earlier measurement left in ``werkmap``."""
    datamap = werkmap / "regietafel"
    run_id = _laatste_run(datamap)
    (datamap / "runs" / str(run_id) / "bundel.zip").unlink(missing_ok=True)
    server = Server(datamap, bestaand=True)
    try:
        return {"run": run_id, **meet_paginas(server.client("lies"), run_id, herhalingen)}
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--werkmap", type=Path, default=None, help="map voor ronde en uitvoer")
    a.add_argument("--nl2024", type=Path, default=None, help="map met de echte geografie 2024")
    a.add_argument("--herhalingen", type=int, default=10)
    a.add_argument("--json", type=Path, default=None)
    a.add_argument(
        "--alleen-paginas",
        action="store_true",
        help="alleen de pagina's opnieuw meten, op de run van een eerdere meting in --werkmap",
    )
    args = a.parse_args(argv)
    if args.alleen_paginas:
        if args.werkmap is None:
            a.error("--alleen-paginas vraagt de --werkmap van een eerdere meting")
        uitkomst: dict[str, Any] = {"belasting_start": _belasting()}
        uitkomst["alleen_paginas"] = meet_alleen_paginas(args.werkmap, args.herhalingen)
        uitkomst["belasting_eind"] = _belasting()
        return _schrijf(uitkomst, args.json)
    if args.nl2024 is not None:
        registry.zet_nl2024(args.nl2024)
    if not registry.echte_data_aanwezig():
        print(f"overgeslagen: {registry.reden_echte_data_ontbreekt()}")
        return 0
    werkmap = args.werkmap or Path(tempfile.mkdtemp(prefix="allocatie-app-meting-"))
    werkmap.mkdir(parents=True, exist_ok=True)
    uitkomst = {"belasting_start": _belasting()}
    ronde = _ronde(werkmap)
    print(f"ronde: {ronde}; belasting {uitkomst['belasting_start']}", flush=True)
    uitkomst["direct"] = meet_direct(ronde, werkmap)
    print(f"direct: {uitkomst['direct']}", flush=True)
    uitkomst["belasting_na_direct"] = _belasting()
    uitkomst["app"] = meet_app(ronde, werkmap, args.herhalingen)
    uitkomst["belasting_eind"] = _belasting()
    d, o = uitkomst["direct"], uitkomst["app"]["oplossen"]
    uitkomst["overhead"] = {
        "wand": o["wand_s"] / d["wand_s"] - 1,
        "cpu": o["cpu_s"] / d["cpu_s"] - 1,
    }
    return _schrijf(uitkomst, args.json)


def _schrijf(uitkomst: dict[str, Any], pad: Path | None) -> int:
    tekst = json.dumps(uitkomst, indent=2, ensure_ascii=False)
    print(tekst)
    if pad is not None:
        pad.write_text(tekst + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Drivers per phase, each run in a fresh child process with a hard wall-clock timeout.

Phases of an API run (one child process per family x formulation x backend), in
this order:

``laden``
    `allocatie.laad_ronde` on the round folder the family's builder wrote
    (with `allocatie.io.rondemap.schrijf_rondemap`).
``oplossen``
    `allocatie.los_op` with ``controleer=False`` and the run's time limit; it builds
    the model itself (cold, as a user's first call does), reported as
    ``bouwen_in_los_op_s``.
``bouwen``
    `allocatie.model.bouw.bouw_model` alone (with ``formulering=`` when it accepts
    it), after the solve: warm, so a repeat build on the same instance.
``controleren``
    `allocatie.resultaat.verify` (non-strict: violations are counted, not raised).

Right after the solve the child records the SHA-256 hashes of the result's tables
and level values (`benchmarks.familie.uitkomst_hashes`), ``reproduceerbaar`` when
the result has that field, and for a member of a benchmark family optionally
keeps ``plaatsingen.csv``/``onbediend.csv`` for a re-run of another member
(``vorige``). A run ``onder_belasting`` has CPU-burning processes beside it
(`benchmarks.familie.belasting`), started before the child and killed after it.

The end-to-end CLI run is its own child process:
``python -c "from allocatie.cli import app; app()" ronde MAP --uitvoer ... --json ...``.

Peak memory (``peak_mb``) is the larger of two measurements:

- ``peak_mb_python``: ``ru_maxrss`` of ``getrusage(RUSAGE_SELF)``, read in the child at
  its end: the exact peak RSS of the Python process (HiGHS runs in it);
- ``peak_mb_groep``: the peak of the summed RSS of the child's whole process group,
  sampled by the parent from ``/proc`` every 50 ms. This catches the CBC process that
  PuLP starts while Python still holds the model. (``RUSAGE_CHILDREN`` cannot be used
  for that: on Linux a forked child's ``ru_maxrss`` starts at its parent's RSS at fork
  time, so it would count Python twice.)

``basis_mb`` is the Python peak right after the imports, so ``peak_mb - basis_mb`` is
roughly what the round itself cost.

Each child runs in its own process group; at the hard timeout the whole group
(the child and a CBC grandchild) gets SIGKILL, so a hanging solver never hangs the
suite. An optional address-space limit (``RLIMIT_AS``) keeps a naive model that
does not fit from taking the machine down.

The child entry point is ``python -m benchmarks.drivers SPEC.json``.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.familie import belasting, uitkomst_hashes
from benchmarks.registry import FORMULERINGEN, PROJECT, Familie

CLI_CODE = (
    "import atexit, json, os, resource\n"
    "def _rusage():\n"
    "    s = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "    with open(os.environ['BENCH_RUSAGE'], 'w') as f:\n"
    "        json.dump({'self_kb': s}, f)\n"
    "atexit.register(_rusage)\n"
    "from allocatie.cli import app; app()\n"
)
"""The CLI entry ``from allocatie.cli import app; app()``, plus an exit hook that
records the process's own peak RSS."""


# --------------------------------------------------------------------------- helpers


def _mb(ru_maxrss: int) -> float:
    """``ru_maxrss`` in MiB (kilobytes on Linux, bytes on macOS)."""
    return ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else ru_maxrss / 1024


def piek_mb() -> float:
    """Peak RSS (MiB) of this process."""
    return _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


_PAGINA = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def groep_rss_mb(pgid: int) -> float | None:
    """Summed current RSS (MiB) of all processes in group ``pgid``; None without ``/proc``."""
    try:
        namen = os.listdir("/proc")
    except OSError:
        return None
    totaal = 0
    for naam in namen:
        if not naam.isdigit():
            continue
        try:
            with open(f"/proc/{naam}/stat", "rb") as f:
                stat = f.read()
        except OSError:  # the process ended meanwhile
            continue
        velden = stat[stat.rindex(b")") + 2 :].split()  # from field 3 (state) on
        if int(velden[2]) == pgid:  # field 5: process group
            totaal += int(velden[21])  # field 24: RSS in pages
    return totaal * _PAGINA / 2**20


def _parameter(func: Any, naam: str) -> inspect.Parameter | None:
    return inspect.signature(func).parameters.get(naam)


def beschikbare_formuleringen() -> tuple[str, ...]:
    """Formulations this version of `allocatie.los_op` offers (checked at run time)."""
    from allocatie import los_op

    return FORMULERINGEN if _parameter(los_op, "formulering") is not None else ("huishoudens",)


def standaard_formulering() -> str:
    """The formulation `los_op` (and so the CLI) uses when none is given."""
    from allocatie import los_op

    p = _parameter(los_op, "formulering")
    if p is None or p.default is inspect.Parameter.empty:
        return "huishoudens"
    return str(p.default)


def _formulering_kwargs(func: Any, formulering: str) -> dict[str, str] | None:
    """``{"formulering": ...}`` if ``func`` takes it, ``{}`` for the only formulation there
    is (``huishoudens``), None when ``func`` cannot build the requested one."""
    if _parameter(func, "formulering") is not None:
        return {"formulering": formulering}
    return {} if formulering == "huishoudens" else None


# --------------------------------------------------------------------------- phases


def fase_laden(
    map_: Path,
    backend: str,
    tijdslimiet_s: float,
    threads: int,
    seed: int,
    gap: float | None = None,
    model: str | None = None,
) -> tuple[Any, float]:
    """Read and validate the round folder; returns the `Instance` and the seconds taken.

    ``gap``: the relative MIP gap per level (None: the round's own setting).
    ``model``: a preset replacing that of ``ronde.toml`` (None: keep it).
    """
    from allocatie import laad_ronde

    extra: dict[str, Any] = {} if gap is None else {"gap_relatief": gap}
    if model is not None:
        extra["model"] = model
    t0 = time.perf_counter()
    inst = laad_ronde(
        map_, backend=backend, tijdslimiet_s=tijdslimiet_s, threads=threads, seed=seed, **extra
    )
    return inst, time.perf_counter() - t0


def fase_bouwen(inst: Any, formulering: str) -> tuple[dict[str, int] | None, float | None]:
    """Build the model alone; returns its size and the seconds taken.

    Returns ``(None, None)`` when `bouw_model` cannot build ``formulering`` by
    itself (the build time inside `los_op`, ``bouw_s``, is reported instead).
    """
    from allocatie.model.bouw import bouw_model

    kwargs = _formulering_kwargs(bouw_model, formulering)
    if kwargs is None:
        return None, None
    t0 = time.perf_counter()
    model = bouw_model(inst, **kwargs)
    s = time.perf_counter() - t0
    grootte = {
        "variabelen": int(model.n_kolommen),
        "geheeltallig": int(model.geheel.sum()),
        "rijen": int(model.A.shape[0]),
        "niet_nullen": int(model.A.nnz),
    }
    del model
    return grootte, s


def fase_oplossen(inst: Any, formulering: str, vorige: str | None = None) -> tuple[Any, float]:
    """`los_op` without the built-in check, with the instance's solver options.

    ``vorige``: the previous outcome (an output folder with ``plaatsingen.csv``) of a
    re-run, passed as ``los_op(..., vorige=...)``.
    """
    from allocatie import los_op

    kwargs: dict[str, Any] | None = _formulering_kwargs(los_op, formulering)
    if kwargs is None:
        raise RuntimeError(f"formulering '{formulering}' bestaat niet in deze versie van los_op")
    if vorige is not None:
        kwargs["vorige"] = vorige
    t0 = time.perf_counter()
    res = los_op(inst, controleer=False, **kwargs)
    return res, time.perf_counter() - t0


def fase_controleren(inst: Any, res: Any) -> tuple[Any, float]:
    """The independent check (non-strict); returns the `Controle` and the seconds taken."""
    from allocatie import verify

    t0 = time.perf_counter()
    controle = verify(inst, res, strikt=False)
    return controle, time.perf_counter() - t0


def cli_opdracht(
    map_: Path, backend: str, tijdslimiet_s: float, uitvoer: Path, gap: float | None = None
) -> list[str]:
    """The end-to-end command: ``allocatie ronde`` on ``map_`` writing to ``uitvoer``."""
    extra = [] if gap is None else ["--gap", str(gap)]
    return [
        sys.executable,
        "-c",
        CLI_CODE,
        "ronde",
        str(map_),
        "--uitvoer",
        str(uitvoer / "uitvoer"),
        "--json",
        str(uitvoer / "samenvatting.json"),
        "--solver",
        backend,
        "--tijdslimiet",
        str(tijdslimiet_s),
        "--overschrijf",
        *extra,
    ]


# --------------------------------------------------------------------------- result fields


def _getal(x: Any) -> float | None:
    if x is None:
        return None
    f = float(x)
    return f if f == f and abs(f) != float("inf") else None  # NaN/inf -> None


def uitkomst_velden(samenvatting: dict[str, Any]) -> dict[str, Any]:
    """Objective, bound, gap and levels from `AllocationResult.samenvatting` (or the CLI JSON).

    ``objective`` and ``bound`` are those of the last level solved (``kosten`` when
    every level was solved); ``gap`` is the largest gap over the levels.
    """
    niveaus = samenvatting.get("niveaus") or []
    laatste = niveaus[-1] if niveaus else {}
    return {
        "status": samenvatting.get("status"),
        "solver": samenvatting.get("solver"),
        "objective": _getal(laatste.get("waarde")),
        "bound": _getal(laatste.get("grens")),
        "gap": _getal(samenvatting.get("gap")),
        "laatste_niveau": laatste.get("naam"),
        "niveaus": [
            {
                "naam": n["naam"],
                "status": n["status"],
                "waarde": _getal(n["waarde"]),
                "grens": _getal(n["grens"]),
                "gap": _getal(n["gap"]),
                "tijd_s": _getal(n["tijd_s"]),
            }
            for n in niveaus
        ],
        "doelwaarden": {k: _getal(v) for k, v in (samenvatting.get("doelwaarden") or {}).items()},
        "modelgrootte": dict(samenvatting.get("modelgrootte") or {}),
        "aantallen": dict(samenvatting.get("aantallen") or {}),
    }


# --------------------------------------------------------------------------- child side


def _kind_maak(spec: dict[str, Any]) -> dict[str, Any]:
    from benchmarks.registry import familie

    t0 = time.perf_counter()
    fam = familie(spec["familie"])
    bouwsel = fam.bouw(Path(spec["map"]))
    uit: dict[str, Any] = {
        "map": str(bouwsel.map),
        "geografie": bouwsel.geografie,
        "genereer_s": time.perf_counter() - t0,
    }
    from allocatie import laad_ronde

    inst = laad_ronde(bouwsel.map)
    uit.update(
        gemeenten=len(inst.gemeenten),
        households=int(inst.n_huishoudens),
        personen=int(inst.huishoudens["personen"].sum()),
        opties=len(inst.opties),
        opgave=int(inst.gemeenten["opgave"].sum()),
    )
    return uit


def _kind_api(spec: dict[str, Any]) -> dict[str, Any]:
    uit: dict[str, Any] = {"fasen": {}}
    fasen = uit["fasen"]
    t0 = time.perf_counter()
    import allocatie  # the import cost is a phase of its own
    import allocatie.model.bouw  # noqa: F401

    fasen["import_s"] = time.perf_counter() - t0
    uit["basis_mb"] = piek_mb()
    fase = "laden"
    try:
        inst, fasen["laden_s"] = fase_laden(
            Path(spec["map"]),
            spec["backend"],
            spec["tijdslimiet_s"],
            spec["threads"],
            spec["seed"],
            spec.get("gap"),
            spec.get("preset"),
        )
        vorige = spec.get("vorige")
        uit["volgorde"] = [
            n for n in inst.preset.doel.volgorde if vorige is not None or n != "stabiliteit"
        ]
        # Solve before the separate build, so `los_op` runs cold, like a user's first call.
        fase = "oplossen"
        res, fasen["oplossen_s"] = fase_oplossen(inst, spec["formulering"], vorige)
        fasen["bouwen_in_los_op_s"] = float(res.bouw_s)
        fase = "hashen"
        uit["hashes"] = uitkomst_hashes(res)
        # Set by the deterministic solve (False when the wall clock cut in); None before.
        repro = getattr(res, "reproduceerbaar", None)
        uit["reproduceerbaar"] = None if repro is None else bool(repro)
        if spec.get("bewaar"):  # the outcome a re-run of another member starts from
            bewaar = Path(spec["bewaar"])
            bewaar.mkdir(parents=True, exist_ok=True)
            res.plaatsingen.to_csv(bewaar / "plaatsingen.csv", index=False)
            res.onbediend.to_csv(bewaar / "onbediend.csv", index=False)
        if vorige is not None and getattr(res, "vorige", None) is not None:
            v = res.verschuivingen
            uit["verschuivingen"] = int(v["telt_mee"].astype(bool).sum()) if len(v) else 0
        fase = "bouwen"
        grootte, fasen["bouwen_s"] = fase_bouwen(inst, spec["formulering"])
        fase = "controleren"
        controle, fasen["controleren_s"] = fase_controleren(inst, res)
    except Exception as exc:  # recorded, not raised: one failing run must not stop the suite
        uit["status"] = "fout"
        uit["fout"] = f"fase {fase}: {type(exc).__name__}: {exc}"
        uit["traceback"] = traceback.format_exc(limit=8)
        return uit
    uit.update(uitkomst_velden(res.samenvatting()))
    uit["modelgrootte"] = dict(res.modelgrootte) or (grootte or {})
    uit["formulation_result"] = getattr(res, "formulering", None)
    uit["geverifieerd"] = bool(controle.ok)
    uit["verificatiefouten"] = len(controle.schendingen)
    uit["schendingen"] = list(controle.schendingen[:5])
    return uit


def kind_main(argv: list[str]) -> int:
    """Entry point of a child: run the task in ``SPEC.json`` and write its JSON result."""
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    taak = spec["taak"]
    if taak == "maak":
        uit = _kind_maak(spec)
    elif taak == "api":
        uit = _kind_api(spec)
    else:
        raise SystemExit(f"onbekende taak: {taak}")
    uit["peak_mb_python"] = piek_mb()
    Path(spec["resultaat"]).write_text(json.dumps(uit, ensure_ascii=False), encoding="utf-8")
    return 0


# --------------------------------------------------------------------------- parent side


@dataclass
class KindUitkomst:
    """How a child process ended, as the parent saw it."""

    returncode: int | None
    wall_s: float
    afgebroken: bool
    maxrss_mb: float | None
    piek_groep_mb: float | None
    data: dict[str, Any] | None
    log: Path
    staart: str = ""


def geheugenlimiet_standaard_mb() -> int:
    """Default address-space limit per run: 80% of physical memory (0 if unknown)."""
    try:
        return int(0.8 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20)
    except (ValueError, OSError, AttributeError):
        return 0


def draai_kind(
    opdracht: list[str],
    *,
    harde_timeout_s: float,
    log: Path,
    resultaat: Path | None,
    geheugenlimiet_mb: int = 0,
    env: dict[str, str] | None = None,
) -> KindUitkomst:
    """Run ``opdracht`` in a new process group and wait at most ``harde_timeout_s``.

    At the timeout the group is killed with SIGKILL. The exit status and the rusage
    of the child come from ``os.wait4``; ``resultaat`` (if given and written) is read
    as JSON.
    """

    def _begrens() -> None:  # in the child, before exec
        if geheugenlimiet_mb > 0:
            grens = geheugenlimiet_mb * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (grens, grens))

    log.parent.mkdir(parents=True, exist_ok=True)
    if resultaat is not None and resultaat.exists():
        resultaat.unlink()
    t0 = time.perf_counter()
    with log.open("wb") as logbestand:
        proc = subprocess.Popen(
            opdracht,
            cwd=PROJECT,
            stdin=subprocess.DEVNULL,
            stdout=logbestand,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_begrens,
            env={**os.environ, **(env or {})},
        )
        afgebroken = False
        piek_groep: float | None = None
        while True:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            nu = groep_rss_mb(proc.pid)  # the child leads its own group: pgid == pid
            if nu is not None:
                piek_groep = max(piek_groep or 0.0, nu)
            if time.perf_counter() - t0 > harde_timeout_s:
                afgebroken = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)  # our own child's group only
                except ProcessLookupError:
                    pass
                pid, status, rusage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
    wall = time.perf_counter() - t0
    returncode = os.waitstatus_to_exitcode(status)
    proc.returncode = returncode  # reaped by wait4; keep Popen from waiting again
    if afgebroken:
        try:  # a CBC grandchild may outlive its killed parent briefly: make sure it is gone
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    data = None
    if resultaat is not None and resultaat.is_file():
        try:
            data = json.loads(resultaat.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            data = None
    staart = ""
    if returncode != 0 or afgebroken:
        regels = log.read_text(encoding="utf-8", errors="replace").splitlines()
        staart = "\n".join(regels[-15:])
    return KindUitkomst(
        returncode=returncode,
        wall_s=wall,
        afgebroken=afgebroken,
        maxrss_mb=_mb(rusage.ru_maxrss) if rusage is not None else None,
        piek_groep_mb=piek_groep,
        data=data,
        log=log,
        staart=staart,
    )


@dataclass
class Instelling:
    """Settings shared by all runs of one suite invocation."""

    uitvoer: Path
    tier: str
    tijdslimiet_s: float | None = None  # None: the family's own limit
    harde_timeout_s: float | None = None  # None: derived from the time limit
    threads: int = 0
    seed: int = 0
    gap: float | None = None  # None: each round's own [solver] gap
    geheugenlimiet_mb: int = field(default_factory=geheugenlimiet_standaard_mb)
    herhalingen: int = 3  # runs per member of a benchmark family (groep)
    onder_belasting: bool = False  # one more run per member with a CPU burner beside it
    belasting_processen: int = 1
    belasting_cpu: int | None = None  # pin the burners to this CPU (None: not pinned)

    def limiet(self, fam: Familie) -> float:
        """The solver time limit of a run on ``fam``."""
        return self.tijdslimiet_s if self.tijdslimiet_s is not None else fam.tijdslimiet_s

    def hard(self, fam: Familie) -> float:
        """The hard wall-clock timeout of a run on ``fam``: twice the limit plus two minutes."""
        if self.harde_timeout_s is not None:
            return self.harde_timeout_s
        return 2 * self.limiet(fam) + 120


def _kind_opdracht(spec: dict[str, Any], map_: Path) -> list[str]:
    pad = map_ / f"{Path(spec['resultaat']).stem}.spec.json"
    pad.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return [sys.executable, "-m", "benchmarks.drivers", str(pad)]


def maak_ronde(fam: Familie, inst: Instelling) -> dict[str, Any]:
    """Build the family's round folder in a child process; returns its key figures.

    Raises ``RuntimeError`` with the log's tail when the child fails.
    """
    werk = inst.uitvoer / "werk"
    werk.mkdir(parents=True, exist_ok=True)
    resultaat = werk / f"{fam.naam}-maak.json"
    spec = {
        "taak": "maak",
        "familie": fam.naam,
        "map": str(inst.uitvoer / "rondes" / fam.naam),
        "resultaat": str(resultaat),
    }
    k = draai_kind(
        _kind_opdracht(spec, werk),
        harde_timeout_s=600,
        log=inst.uitvoer / "logs" / f"{fam.naam}-maak.log",
        resultaat=resultaat,
        geheugenlimiet_mb=inst.geheugenlimiet_mb,
    )
    if k.data is None or k.returncode != 0:
        raise RuntimeError(f"ronde {fam.naam} maken mislukt ({k.log}):\n{k.staart}")
    return k.data


def _basisrecord(fam: Familie, ronde: dict[str, Any], inst: Instelling) -> dict[str, Any]:
    return {
        "instance": fam.naam,
        "tier": fam.tier,
        "households": ronde["households"],
        "gemeenten": ronde["gemeenten"],
        "opties": ronde["opties"],
        "personen": ronde["personen"],
        "flexlocaties": fam.flex,
        "geografie": ronde["geografie"],
        "seed_instantie": fam.seed,
        "tijdslimiet_s": inst.limiet(fam),
        "gap_doel": inst.gap,
        "harde_timeout_s": inst.hard(fam),
        "threads": inst.threads,
        "geheugenlimiet_mb": inst.geheugenlimiet_mb,
        **(
            {}
            if fam.groep is None
            else {
                "groep": fam.groep,
                "streefwaarden": fam.streefwaarden.als_record(),
                "lid_parameters": {
                    "seed": fam.seed,
                    "vg": fam.vg,
                    "huishoudens": fam.huishoudens,
                    "flex": fam.flex,
                    "preset": fam.preset,
                    "regiocapaciteit": fam.regiocapaciteit,
                    "vorige_van": fam.vorige_van,
                    "uitgehouden": fam.uitgehouden,
                },
            }
        ),
    }


def uitkomstmap(inst: Instelling, naam: str) -> Path:
    """Where the first run of member ``naam`` keeps its outcome for a re-run of another member."""
    return inst.uitvoer / "uitkomsten" / naam


def _afsluiten(record: dict[str, Any], k: KindUitkomst) -> dict[str, Any]:
    """Fill wall time, status and memory of a record from how the child ended."""
    record["wall_s"] = k.wall_s
    record["log"] = str(k.log)
    if k.afgebroken:
        record["status"] = "afgebroken"
        record["fout"] = f"harde timeout van {record['harde_timeout_s']:g} s bereikt; gedood"
    elif k.returncode != 0 and record.get("status") in (None, "fout"):
        record["status"] = "fout"
        oorzaak = (
            f"gestopt door signaal {-k.returncode}"
            if k.returncode and k.returncode < 0
            else f"exitcode {k.returncode}"
        )
        record.setdefault("fout", f"{oorzaak}: {k.staart[-500:]}")
    record["peak_mb_groep"] = k.piek_groep_mb
    # The exact Python peak, or (killed, crashed) the parent's wait4 view of the child.
    python = record.get("peak_mb_python")
    if python is None:
        python = k.maxrss_mb
    kandidaten = [m for m in (python, k.piek_groep_mb) if m is not None]
    record["peak_mb"] = max(kandidaten) if kandidaten else None
    for veld in ("objective", "bound", "gap"):
        record.setdefault(veld, None)
    return record


def run_api(
    fam: Familie,
    ronde: dict[str, Any],
    formulering: str,
    backend: str,
    inst: Instelling,
    *,
    herhaling: int | None = None,
    onder_belasting: bool = False,
    vorige: Path | None = None,
    bewaar: Path | None = None,
) -> dict[str, Any]:
    """One API run (load, build, solve, verify) in a fresh child; returns its record.

    ``herhaling``: the number of this run among the repetitions of a member (None:
    a single run). ``onder_belasting``: run it while CPU-burning processes
    (`benchmarks.familie.belasting`) run beside it, killed afterwards. ``vorige``:
    the previous outcome for a re-run (``los_op(..., vorige=...)``). ``bewaar``:
    write this run's ``plaatsingen.csv`` and ``onbediend.csv`` there.
    """
    naam = f"{fam.naam}-{formulering}-{backend}"
    if herhaling is not None:
        naam += f"-r{herhaling}"
    if onder_belasting:
        naam += "-belast"
    werk = inst.uitvoer / "werk"
    werk.mkdir(parents=True, exist_ok=True)
    resultaat = werk / f"{naam}.json"
    spec = {
        "taak": "api",
        "familie": fam.naam,
        "map": ronde["map"],
        "formulering": formulering,
        "backend": backend,
        "tijdslimiet_s": inst.limiet(fam),
        "threads": inst.threads,
        "seed": inst.seed,
        "gap": inst.gap,
        "resultaat": str(resultaat),
        "preset": fam.preset,
        "vorige": None if vorige is None else str(vorige),
        "bewaar": None if bewaar is None else str(bewaar),
    }
    if bewaar is not None and bewaar.exists():  # never leave an outcome of an earlier suite
        shutil.rmtree(bewaar)
    with contextlib.ExitStack() as stapel:
        if onder_belasting:
            stapel.enter_context(belasting(inst.belasting_processen, inst.belasting_cpu))
        k = draai_kind(
            _kind_opdracht(spec, werk),
            harde_timeout_s=inst.hard(fam),
            log=inst.uitvoer / "logs" / f"{naam}.log",
            resultaat=resultaat,
            geheugenlimiet_mb=inst.geheugenlimiet_mb,
        )
    record = _basisrecord(fam, ronde, inst)
    record.update(driver="api", formulation=formulering, backend=backend)
    if herhaling is not None or onder_belasting:
        record.update(herhaling=herhaling, onder_belasting=onder_belasting)
    if vorige is not None:
        record["vorige_uitkomst"] = str(vorige)
    record.update(k.data or {})
    oplossen = (record.get("fasen") or {}).get("oplossen_s")
    if oplossen is not None:
        record["overschrijding_s"] = oplossen - inst.limiet(fam)
    return _afsluiten(record, k)


def run_cli(fam: Familie, ronde: dict[str, Any], backend: str, inst: Instelling) -> dict[str, Any]:
    """One end-to-end CLI run (``allocatie ronde``) in a fresh child; returns its record."""
    naam = f"{fam.naam}-cli-{backend}"
    doel = inst.uitvoer / "cli" / naam
    doel.mkdir(parents=True, exist_ok=True)
    rusage = doel / "rusage.json"
    if rusage.exists():
        rusage.unlink()
    k = draai_kind(
        cli_opdracht(Path(ronde["map"]), backend, inst.limiet(fam), doel, inst.gap),
        harde_timeout_s=inst.hard(fam),
        log=inst.uitvoer / "logs" / f"{naam}.log",
        resultaat=doel / "samenvatting.json",
        geheugenlimiet_mb=inst.geheugenlimiet_mb,
        env={"BENCH_RUSAGE": str(rusage)},
    )
    record = _basisrecord(fam, ronde, inst)
    record.update(driver="cli", formulation=standaard_formulering(), backend=backend)
    if k.data is not None:
        record.update(uitkomst_velden(k.data))
        record["formulation_result"] = k.data.get("formulering")
        if record["formulation_result"]:
            record["formulation"] = record["formulation_result"]
        record["geverifieerd"] = k.returncode == 0  # the CLI verifies before it writes
    if rusage.is_file():
        r = json.loads(rusage.read_text(encoding="utf-8"))
        record["peak_mb_python"] = _mb(r["self_kb"])
    if k.data is not None:
        # ``wall_s`` of the summary is `los_op`'s own (build + levels), as in an API run.
        oplossen = _getal(k.data.get("wall_s"))
        record["fasen"] = {"oplossen_s": oplossen}
        if oplossen is not None:
            record["overschrijding_s"] = oplossen - inst.limiet(fam)
    return _afsluiten(record, k)


if __name__ == "__main__":
    sys.exit(kind_main(sys.argv[1:]))

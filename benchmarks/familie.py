"""Benchmark families of many rounds (issue 16): hashes, load, worst member and the report.

A *groep* (see `benchmarks.registry`) is a family of rounds ("leden"). Each member
is solved ``--herhalingen`` times and, with ``--onder-belasting``, once more while
a CPU-burning child process runs beside it. Per run the child records a SHA-256
hash of the canonical CSV of ``plaatsingen``, ``per_gemeente`` and ``per_optie``
and of the level values (`uitkomst_hashes`), so the report can say whether the
runs are byte-identical.

The pure functions here (`canonieke_csv`, `niveau_hash`, `identiek`,
`niveau_gap`, `lid_overzicht`, `familie_overzicht`, `doelen`) work on plain
records (dicts, as in ``resultaten.jsonl``), so they can be tested on fabricated
records.

Targets (issue 16), checked per member and summarised per family; the national
family's (`Streefwaarden`, the defaults) are these, a family may set its own (the
30,000-household family: 1% within 300 s, no memory target), and each record
carries the targets of its family (``streefwaarden``):

- ``gap``: every level within 0.5%: the count and cost levels relatively
  (``|waarde - grens| / max(1, |waarde|)``, the project's gap), the min-max
  levels ``eerlijkheid`` and ``overvulling`` absolutely (``waarde - grens <=
  0.005``) or proven optimal (the solver proves a min-max value optimal in whole
  persons and then reports the value itself as the bound, so ``grens == waarde``);
- ``tijd``: the solve (``los_op``, model build included) within 60 s in every run
  without load (a run under load is there for reproducibility, not for speed), and
  no run cut short by the wall clock;
- ``geheugen``: peak memory at most 2 GB (2,048 MiB) in every run;
- ``identiek``: all runs of a member byte-identical, under load included.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import signal
import statistics
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

MINMAX_NIVEAUS = ("eerlijkheid", "overvulling")
"""Levels whose value is a ratio per gemeente: their gap is absolute."""

DOEL_GAP = 0.005
"""Target gap per level: 0.5% (relative), or 0.005 absolute for a min-max level."""

DOEL_TIJD_S = 60.0
"""Target solve time per run (seconds)."""

DOEL_PIEK_MB = 2048.0
"""Target peak memory per run (MiB)."""


@dataclass(frozen=True)
class Streefwaarden:
    """The targets of one family: gap per level, solve time per run, peak memory per run.

    ``piek_mb`` None: no memory target (the report says "niet gesteld").
    """

    gap: float = DOEL_GAP
    tijd_s: float = DOEL_TIJD_S
    piek_mb: float | None = DOEL_PIEK_MB

    def als_record(self) -> dict[str, float | None]:
        """The targets as a record field (``streefwaarden`` in ``resultaten.jsonl``)."""
        return asdict(self)

    @classmethod
    def uit_record(cls, r: dict[str, Any]) -> Streefwaarden:
        """The targets a record (or a member summary) carries; the national ones without."""
        velden = r.get("streefwaarden") or {}
        return cls(**{k: velden[k] for k in ("gap", "tijd_s", "piek_mb") if k in velden})


BEWEZEN_EPS = 1e-9
"""A min-max level with ``waarde - grens`` at most this is proven optimal."""

TABELLEN = ("plaatsingen", "per_gemeente", "per_optie")
"""Result tables hashed per run (with the level values as ``niveaus``)."""

HASHSLEUTELS = (*TABELLEN, "niveaus")

NIVEAUVOLGORDE = (
    "onbediend",
    "stabiliteit",
    "tekort",
    "ruil",
    "eerlijkheid",
    "overvulling",
    "kosten",
)
"""Order of the levels in the family table (the presets differ in order; unknown ones last)."""

BELASTING_CODE = "while True: pass"
"""What a load process runs: one core busy until it is killed."""


# --------------------------------------------------------------------------- hashes


def canonieke_csv(df: Any) -> bytes:
    """The canonical CSV of a table: header, then the rows sorted as text; UTF-8, ``\\n``.

    Floats are written by pandas with their shortest exact representation, so two
    tables hash the same iff they hold the same values, whatever their row order.
    """
    tekst = df.to_csv(index=False, lineterminator="\n")
    regels = tekst.split("\n")
    kop, rijen = regels[0], [r for r in regels[1:] if r != ""]
    return ("\n".join([kop, *sorted(rijen)]) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def niveau_hash(niveaus: Iterable[dict[str, Any]]) -> str:
    """Hash of the level values: name, status, value, bound and held value, in order.

    Solve times are left out (they differ between identical runs).
    """
    kern = [
        [n.get("naam"), n.get("status"), n.get("waarde"), n.get("grens"), n.get("vastgehouden")]
        for n in niveaus
    ]
    return sha256(json.dumps(kern, ensure_ascii=False).encode("utf-8"))


def uitkomst_hashes(res: Any) -> dict[str, str]:
    """The hashes of one result (`AllocationResult`): its three tables and its levels."""
    uit = {t: sha256(canonieke_csv(getattr(res, t))) for t in TABELLEN}
    uit["niveaus"] = niveau_hash(
        {
            "naam": n.naam,
            "status": getattr(n.status, "value", n.status),
            "waarde": n.waarde,
            "grens": n.grens,
            "vastgehouden": n.vastgehouden,
        }
        for n in res.niveaus
    )
    return uit


def identiek(hashes: Sequence[dict[str, str] | None]) -> bool | None:
    """Whether all runs hold the same hashes; None with fewer than two runs, or one without."""
    if len(hashes) < 2 or any(not h for h in hashes):
        return None
    eerste = hashes[0]
    return all(all(h.get(k) == eerste.get(k) for k in HASHSLEUTELS) for h in hashes[1:])  # type: ignore[union-attr]


def verschil(a: dict[str, str] | None, b: dict[str, str] | None) -> list[str]:
    """Which of the hashed parts differ between two runs."""
    if not a or not b:
        return []
    return [k for k in HASHSLEUTELS if a.get(k) != b.get(k)]


# --------------------------------------------------------------------------- load


@contextlib.contextmanager
def belasting(processen: int = 1, cpu: int | None = None) -> Iterator[list[int]]:
    """CPU-burning child processes (``while True: pass``) while the block runs.

    Each runs in its own process group and is killed (SIGKILL) afterwards.
    ``cpu``: pin them to this CPU (None: not pinned). Yields their pids.
    """

    def _pin() -> None:  # in the child, before exec
        if cpu is not None and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {cpu})

    procs = [
        subprocess.Popen(
            [sys.executable, "-c", BELASTING_CODE],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_pin,
        )
        for _ in range(processen)
    ]
    try:
        yield [p.pid for p in procs]
    finally:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)  # our own burner's group only
            p.wait()


# --------------------------------------------------------------------------- gaps


def is_minmax(naam: str) -> bool:
    """Whether level ``naam`` is a min-max level (absolute gap)."""
    return naam in MINMAX_NIVEAUS


def niveau_gap(n: dict[str, Any]) -> tuple[float | None, bool]:
    """The gap of one level as the targets read it, and whether it is proven optimal.

    Min-max levels: ``waarde - grens`` (absolute, at least 0); proven when that is
    at most `BEWEZEN_EPS`. Other levels: the project's relative gap
    ``|waarde - grens| / max(1, |waarde|)``; proven when it is 0. None without a
    value or a bound.
    """
    w, g = n.get("waarde"), n.get("grens")
    if w is None or g is None:
        return None, False
    if is_minmax(str(n.get("naam"))):
        gap = max(0.0, float(w) - float(g))
        return gap, gap <= BEWEZEN_EPS
    gap = abs(float(w) - float(g)) / max(1.0, abs(float(w)))
    return gap, gap <= BEWEZEN_EPS


def niveau_gehaald(gap: float | None, bewezen: bool, doel: float = DOEL_GAP) -> bool:
    """Whether a level meets the gap target (proven optimal, or gap at most ``doel``)."""
    return bewezen or (gap is not None and gap <= doel + 1e-12)


def _mediaan(xs: Sequence[float]) -> float | None:
    return statistics.median(xs) if xs else None


def _grootste(xs: Sequence[float]) -> float | None:
    return max(xs) if xs else None


# --------------------------------------------------------------------------- per member


def _soort(r: dict[str, Any]) -> str:
    """``gewoon``, ``belast`` or ``baseline`` for a run of a member."""
    if r.get("formulation") == "huishoudens":
        return "baseline"
    return "belast" if r.get("onder_belasting") else "gewoon"


def _vergelijk(hashes: Sequence[dict[str, str] | None]) -> bool | None:
    """`identiek` for the runs of a member: a run without an outcome (an error, killed)
    among two or more makes them not identical, instead of "not measured"."""
    if len(hashes) < 2:
        return None
    if any(not h for h in hashes):
        return False
    return identiek(hashes)


def lid_overzicht(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Summary of one member over its runs (records of one ``instance``).

    Per level the worst gap over the runs without load (``math.inf`` when a run
    did not reach the level or has no bound for it; the counts of such runs are
    ``niet_bereikt`` and ``zonder_grens``; None without runs), whether it was proven optimal
    in every such run, the worst and median solve time, the peak memory over all
    runs, whether the runs are identical (``identiek_over_runs``: the runs without
    load; ``identiek_onder_belasting``: the run under load against the first run
    without; a run without hashes, e.g. an error, makes them not identical),
    ``reproduceerbaar`` as the solver reported it, and the targets met. The naive
    baseline is summarised on its own (``baseline``) and counts for no target.
    """
    gewoon = [r for r in runs if _soort(r) == "gewoon"]
    belast = [r for r in runs if _soort(r) == "belast"]
    baseline = [r for r in runs if _soort(r) == "baseline"]
    eerste = (gewoon or belast or baseline or [{}])[0]
    volgorde: list[str] = list(eerste.get("volgorde") or [])
    for r in gewoon:
        for n in r.get("niveaus") or []:
            if n["naam"] not in volgorde:
                volgorde.append(n["naam"])
    streef = Streefwaarden.uit_record(eerste)
    niveaus: dict[str, dict[str, Any]] = {}
    for naam in volgorde:
        gaps: list[float] = []
        bewezen = gehaald = bool(gewoon)
        niet_bereikt = zonder_grens = 0
        for r in gewoon:
            n = next((n for n in r.get("niveaus") or [] if n["naam"] == naam), None)
            gap, bew = niveau_gap(n) if n is not None else (None, False)
            niet_bereikt += n is None
            zonder_grens += n is not None and gap is None
            gaps.append(math.inf if gap is None else gap)
            bewezen = bewezen and bew
            gehaald = gehaald and niveau_gehaald(gap, bew, streef.gap)
        niveaus[naam] = {
            "soort": "absoluut" if is_minmax(naam) else "relatief",
            "gap": _grootste(gaps),
            "bewezen": bewezen,
            "gehaald": gehaald,
            "niet_bereikt": niet_bereikt,  # runs that stopped before this level
            "zonder_grens": zonder_grens,  # runs with a value but no bound for it
        }
    tijden = [(r.get("fasen") or {}).get("oplossen_s") for r in gewoon]
    tijden_ok = [t for t in tijden if t is not None]
    # The naive baseline is a measurement beside the target, not part of it.
    pieken = [r["peak_mb"] for r in [*gewoon, *belast] if r.get("peak_mb") is not None]
    hashes = [r.get("hashes") for r in gewoon]
    over_runs = _vergelijk(hashes)
    onder_belasting = (
        _vergelijk([hashes[0], belast[0].get("hashes")]) if gewoon and belast else None
    )
    repro = [r.get("reproduceerbaar") for r in [*gewoon, *belast]]
    fouten = [r for r in [*gewoon, *belast] if r.get("status") in ("fout", "afgebroken")]
    uit: dict[str, Any] = {
        "lid": eerste.get("instance"),
        "groep": eerste.get("groep"),
        "parameters": eerste.get("lid_parameters") or {},
        "runs": len(gewoon),
        "runs_onder_belasting": len(belast),
        "status": sorted({str(r.get("status")) for r in gewoon}),
        "geverifieerd": bool(gewoon) and all(r.get("geverifieerd") is True for r in gewoon),
        "fouten": len(fouten),
        "niveaus": niveaus,
        "tijd_s_max": _grootste(tijden_ok),
        "tijd_s_mediaan": _mediaan(tijden_ok),
        "tijd_onder_belasting_s": (belast[0].get("fasen") or {}).get("oplossen_s")
        if belast
        else None,
        "piek_mb_max": _grootste(pieken),
        "identiek_over_runs": over_runs,
        "identiek_onder_belasting": onder_belasting,
        "verschil_onder_belasting": verschil(hashes[0], belast[0].get("hashes"))
        if gewoon and belast
        else [],
        "reproduceerbaar": None if all(x is None for x in repro) else all(x is True for x in repro),
        "verschuivingen": eerste.get("verschuivingen"),
        "tijdslimiet_s": eerste.get("tijdslimiet_s"),
        "reproduceerbaar_runs": [x for x in repro],
        "baseline": [
            {
                "status": r.get("status"),
                "oplossen_s": (r.get("fasen") or {}).get("oplossen_s"),
                "gap": r.get("gap"),
                "peak_mb": r.get("peak_mb"),
                "variabelen": (r.get("modelgrootte") or {}).get("variabelen"),
            }
            for r in baseline
        ],
        "types_variabelen": (eerste.get("modelgrootte") or {}).get("variabelen"),
        "streefwaarden": streef.als_record(),
    }
    uit["doelen"] = lid_doelen(uit, len(tijden_ok) == len(tijden))
    return uit


def lid_doelen(lid: dict[str, Any], alle_tijden: bool = True) -> dict[str, bool | None]:
    """Which targets one member meets: ``gap``, ``tijd``, ``geheugen``, ``identiek``.

    ``identiek`` is None (not measured) when there was only one run and no run under
    load; it is False as soon as one comparison differs. ``geheugen`` is None when the
    family sets no memory target. The targets are the member's ``streefwaarden``; a
    member with a run that the wall clock cut short (``reproduceerbaar`` false) misses
    ``tijd``.
    """
    streef = Streefwaarden.uit_record(lid)
    niveaus = lid["niveaus"]
    gap = lid["runs"] > 0 and bool(niveaus) and all(n["gehaald"] for n in niveaus.values())
    # A run the clock cut short ends near the limit by construction: it meets no time target.
    geknipt = any(x is False for x in lid.get("reproduceerbaar_runs", []))
    tijd = (
        lid["runs"] > 0
        and alle_tijden
        and not geknipt
        and lid["tijd_s_max"] is not None
        and lid["tijd_s_max"] <= streef.tijd_s
    )
    geheugen = (
        None
        if streef.piek_mb is None
        else lid["piek_mb_max"] is not None and lid["piek_mb_max"] <= streef.piek_mb
    )
    vergelijkingen = [
        x for x in (lid["identiek_over_runs"], lid["identiek_onder_belasting"]) if x is not None
    ]
    ident = None if not vergelijkingen else all(vergelijkingen)
    return {"gap": gap, "tijd": tijd, "geheugen": geheugen, "identiek": ident}


# --------------------------------------------------------------------------- per family


def leden(records: Sequence[dict[str, Any]], groep: str) -> list[dict[str, Any]]:
    """`lid_overzicht` of every member of ``groep`` in ``records`` (API runs), in order."""
    api = [r for r in records if r.get("groep") == groep and r.get("driver", "api") == "api"]
    namen = list(dict.fromkeys(r["instance"] for r in api))
    return [lid_overzicht([r for r in api if r["instance"] == n]) for n in namen]


def familie_overzicht(overzichten: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Worst and median over the members, per level and for time and memory.

    Per level: the worst and the median of the members' worst gaps (``math.inf``
    for a member that did not reach the level or has no bound), the number of
    members that have the level, did not reach it (``niet_bereikt``), reached it
    without a bound (``zonder_grens``), proved it optimal and met the target.
    """
    namen: list[str] = []
    for lid in overzichten:
        for naam in lid["niveaus"]:
            if naam not in namen:
                namen.append(naam)
    namen.sort(
        key=lambda n: NIVEAUVOLGORDE.index(n) if n in NIVEAUVOLGORDE else len(NIVEAUVOLGORDE)
    )
    niveaus = {}
    for naam in namen:
        mee = [lid["niveaus"][naam] for lid in overzichten if naam in lid["niveaus"]]
        gaps = [n["gap"] for n in mee if n["gap"] is not None]
        niveaus[naam] = {
            "soort": "absoluut" if is_minmax(naam) else "relatief",
            "leden": len(mee),
            "niet_bereikt": sum(1 for n in mee if n["niet_bereikt"]),
            "zonder_grens": sum(1 for n in mee if n["zonder_grens"] and not n["niet_bereikt"]),
            "slechtst": _grootste(gaps),
            "mediaan": _mediaan(gaps),
            "bewezen": sum(1 for n in mee if n["bewezen"]),
            "gehaald": sum(1 for n in mee if n["gehaald"]),
        }
    tijden = [lid["tijd_s_max"] for lid in overzichten if lid["tijd_s_max"] is not None]
    pieken = [lid["piek_mb_max"] for lid in overzichten if lid["piek_mb_max"] is not None]
    return {
        "leden": len(overzichten),
        "niveaus": niveaus,
        "tijd_s_slechtst": _grootste(tijden),
        "tijd_s_mediaan": _mediaan(tijden),
        "piek_mb_slechtst": _grootste(pieken),
        "piek_mb_mediaan": _mediaan(pieken),
        "identiek_over_runs": _telling(lid["identiek_over_runs"] for lid in overzichten),
        "identiek_onder_belasting": _telling(
            lid["identiek_onder_belasting"] for lid in overzichten
        ),
        "doelen": doelen(overzichten),
    }


def _telling(xs: Iterable[bool | None]) -> dict[str, int]:
    lijst = list(xs)
    return {
        "ja": sum(1 for x in lijst if x is True),
        "nee": sum(1 for x in lijst if x is False),
        "niet_gemeten": sum(1 for x in lijst if x is None),
    }


def _zonder_geheugendoel(lid: dict[str, Any]) -> bool:
    """Whether the member's family sets no memory target."""
    return Streefwaarden.uit_record(lid).piek_mb is None


def doelen(overzichten: Sequence[dict[str, Any]]) -> dict[str, str]:
    """PASS, FAIL or NIET GEMETEN per target over all members (and ``alles``).

    NIET GESTELD: the family sets no such target (memory; it counts as met).

    A target passes only when every member meets it; ``identiek`` is NIET GEMETEN
    when no member had two runs to compare, and FAIL when one member was not
    measured while others were (the target is "all runs identical"). No members:
    NIET GEMETEN everywhere.
    """
    uit: dict[str, str] = {}
    for doel in ("gap", "tijd", "geheugen", "identiek"):
        waarden = [lid["doelen"][doel] for lid in overzichten]
        if doel == "geheugen" and overzichten and all(map(_zonder_geheugendoel, overzichten)):
            uit[doel] = "NIET GESTELD"
        elif not waarden or all(w is None for w in waarden):
            uit[doel] = "NIET GEMETEN"
        elif all(w is True for w in waarden):
            uit[doel] = "PASS"
        else:
            uit[doel] = "FAIL"
    if not overzichten:
        uit["alles"] = "NIET GEMETEN"
    elif all(v in ("PASS", "NIET GESTELD") for v in uit.values()):
        uit["alles"] = "PASS"
    elif any(v == "FAIL" for v in uit.values()):
        uit["alles"] = "FAIL"
    else:
        uit["alles"] = "NIET GEMETEN"
    return uit


def json_veilig(x: Any) -> Any:
    """``x`` with every infinite gap replaced by None (valid JSON; the counts ``niet_bereikt``
    and ``zonder_grens`` say why)."""
    if isinstance(x, float) and math.isinf(x):
        return None
    if isinstance(x, dict):
        return {k: json_veilig(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [json_veilig(v) for v in x]
    return x


def overzicht_json(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Per groep in ``records``: its members and the family summary (JSON-safe)."""
    uit = {}
    for groep in dict.fromkeys(r["groep"] for r in records if r.get("groep")):
        ov = leden(records, groep)
        uit[groep] = json_veilig({"leden": ov, "familie": familie_overzicht(ov)})
    return uit


# --------------------------------------------------------------------------- Markdown


def _nl(x: float, decimalen: int) -> str:
    from allocatie.kern.taal import nl_getal

    return nl_getal(x, decimalen)


def _gap_tekst(
    gap: float | None, soort: str, bewezen: bool = False, niet_bereikt: bool = True
) -> str:
    if gap is None:
        return "-"
    if math.isinf(gap):
        return "niet bereikt" if niet_bereikt else "geen grens"
    tekst = f"{_nl(100 * gap, 3)}%" if soort == "relatief" else _nl(gap, 4)
    return tekst + (" (bewezen)" if bewezen else "")


def _s(x: float | None) -> str:
    return "-" if x is None else _nl(x, 1)


def _mb(x: float | None) -> str:
    return "-" if x is None else _nl(x, 0)


def _jn(x: bool | None) -> str:
    return "-" if x is None else ("ja" if x else "NEE")


def _doel(x: bool | None) -> str:
    return "-" if x is None else ("ja" if x else "nee")


def _scheiding(kop: str) -> str:
    return "|" + "---|" * (kop.count("|") - 1)


def _repro(lid: dict[str, Any]) -> str:
    runs = lid["reproduceerbaar_runs"]
    if all(x is None for x in runs):
        return "-"
    nee = sum(1 for x in runs if x is False)
    return "ja" if nee == 0 else f"nee ({nee} van {len(runs)})"


def markdown(records: Sequence[dict[str, Any]]) -> list[str]:
    """The Dutch report sections of every groep in ``records`` (empty when there is none)."""
    regels: list[str] = []
    for groep in dict.fromkeys(r["groep"] for r in records if r.get("groep")):
        regels += _markdown_groep(groep, leden(records, groep))
    return regels


def _markdown_groep(groep: str, ov: list[dict[str, Any]]) -> list[str]:
    fam = familie_overzicht(ov)
    d = fam["doelen"]
    regels = [f"## Familie {groep}: {fam['leden']} rondes", ""]
    limieten = sorted({lid["tijdslimiet_s"] for lid in ov if lid["tijdslimiet_s"] is not None})
    runs = sorted({lid["runs"] for lid in ov})
    belast = sum(1 for lid in ov if lid["runs_onder_belasting"])
    regels += [
        f"Tijdslimiet per run: {', '.join(_nl(t, 0) for t in limieten) or '-'} s; "
        f"{'/'.join(str(r) for r in runs)} run(s) per lid zonder belasting, "
        f"{belast} van {len(ov)} leden ook onder belasting.",
        "",
    ]
    streef = Streefwaarden.uit_record(ov[0]) if ov else Streefwaarden()
    piek = (
        "geen geheugendoel"
        if streef.piek_mb is None
        else f"piek ≤ {_nl(streef.piek_mb / 1024, 1).removesuffix(',0')} GB"
    )
    regels += [
        f"**Doelen** (elk lid op elk niveau binnen {_nl(100 * streef.gap, 1).removesuffix(',0')}% "
        f"— min-max-niveaus absoluut ≤ {_nl(streef.gap, 3)} of "
        f"bewezen optimaal — binnen {_nl(streef.tijd_s, 0)} s oplossen, {piek}, alle runs "
        f"identiek): gap **{d['gap']}**, tijd **{d['tijd']}**, geheugen **{d['geheugen']}**, "
        f"identiek **{d['identiek']}**; samen **{d['alles']}**.",
        "",
        "### Per niveau over de leden",
        "",
    ]
    kop = (
        "| niveau | gap | leden | slechtst | mediaan | bewezen optimaal | binnen doel "
        "| niet bereikt | zonder grens |"
    )
    regels += [kop, _scheiding(kop)]
    for naam, n in fam["niveaus"].items():
        nb = n["niet_bereikt"] > 0
        regels.append(
            f"| {naam} | {n['soort']} | {n['leden']} "
            f"| {_gap_tekst(n['slechtst'], n['soort'], niet_bereikt=nb)} "
            f"| {_gap_tekst(n['mediaan'], n['soort'], niet_bereikt=nb)} "
            f"| {n['bewezen']} van {n['leden']} | {n['gehaald']} van {n['leden']} "
            f"| {n['niet_bereikt']} | {n['zonder_grens']} |"
        )
    io, ib = fam["identiek_over_runs"], fam["identiek_onder_belasting"]
    regels += [
        "",
        f"Oplostijd (slechtste run per lid): slechtst {_s(fam['tijd_s_slechtst'])} s, mediaan "
        f"{_s(fam['tijd_s_mediaan'])} s. Piekgeheugen: slechtst {_mb(fam['piek_mb_slechtst'])} "
        f"MB, mediaan {_mb(fam['piek_mb_mediaan'])} MB. Identiek over runs: {io['ja']} ja, "
        f"{io['nee']} nee, {io['niet_gemeten']} niet gemeten; identiek onder belasting: "
        f"{ib['ja']} ja, {ib['nee']} nee, {ib['niet_gemeten']} niet gemeten.",
        "",
        "### Per lid",
        "",
    ]
    namen = list(fam["niveaus"])
    kop = (
        "| lid | seed | VG | huishoudens | flex | preset | regio | vorige | runs | "
        + " | ".join(namen)
        + " | status | oplossen max (s) | oplossen mediaan (s) | onder belasting (s) | piek (MB) "
        "| identiek over runs | identiek onder belasting | reproduceerbaar | doelen |"
    )
    regels += [kop, _scheiding(kop)]
    for lid in ov:
        p = lid["parameters"]
        cellen = [
            lid["lid"] + (" (uitgehouden)" if p.get("uitgehouden") else ""),
            str(p.get("seed", "-")),
            "-" if p.get("vg") is None else _nl(p["vg"], 0),
            "-" if p.get("huishoudens") is None else _nl(p["huishoudens"], 0),
            str(p.get("flex", "-")),
            str(p.get("preset") or "-"),
            "-" if p.get("regiocapaciteit") is None else _nl(p["regiocapaciteit"], 2),
            str(p.get("vorige_van") or "-")
            + ("" if lid["verschuivingen"] is None else f" ({lid['verschuivingen']} verschoven)"),
            str(lid["runs"])
            + (f" + {lid['runs_onder_belasting']}" if lid["runs_onder_belasting"] else ""),
        ]
        for naam in namen:
            n = lid["niveaus"].get(naam)
            cellen.append(
                "n.v.t."
                if n is None
                else _gap_tekst(n["gap"], n["soort"], n["bewezen"], n["niet_bereikt"] > 0)
            )
        gemist = [k for k, v in lid["doelen"].items() if v is False]
        geen_doel = _zonder_geheugendoel(lid)
        ongemeten = [
            k for k, v in lid["doelen"].items() if v is None and not (k == "geheugen" and geen_doel)
        ]
        doeltekst = "alle" if not gemist and not ongemeten else ""
        if gemist:
            doeltekst = "niet: " + ", ".join(gemist)
        if ongemeten:
            doeltekst += ("; " if doeltekst else "") + "niet gemeten: " + ", ".join(ongemeten)
        onder = _jn(lid["identiek_onder_belasting"])
        if lid["verschil_onder_belasting"]:
            onder += f" ({', '.join(lid['verschil_onder_belasting'])})"
        status = ", ".join(lid["status"]) or "-"
        if lid["fouten"]:
            status += f" ({lid['fouten']} fout/afgebroken)"
        if lid["runs"] and not lid["geverifieerd"]:
            status += ", NIET GEVERIFIEERD"
        cellen += [
            status,
            _s(lid["tijd_s_max"]),
            _s(lid["tijd_s_mediaan"]),
            _s(lid["tijd_onder_belasting_s"]),
            _mb(lid["piek_mb_max"]),
            _jn(lid["identiek_over_runs"]),
            onder,
            _repro(lid),
            doeltekst,
        ]
        regels.append("| " + " | ".join(cellen) + " |")
    regels += [
        "",
        "*gap* per lid is de slechtste over de runs zonder belasting: relatief "
        "(|waarde − grens| / max(1, |waarde|)) voor tel- en kostenniveaus, absoluut (waarde − "
        "grens) voor `eerlijkheid` en `overvulling`; *bewezen*: de grens is gelijk aan de "
        "waarde (optimaal in hele personen). *niet bereikt*: een run stopte vóór dit niveau; "
        "*geen grens*: een run had een waarde maar geen bewezen grens (beide halen het doel "
        "niet). "
        "*identiek*: de SHA-256 van plaatsingen, per_gemeente en per_optie (gesorteerde CSV) "
        "en van de niveauwaarden is in elke run gelijk; onder belasting draaide er een "
        "CPU-verbrandend proces (`while True: pass`) naast de oplossing, vergeleken met de "
        "eerste run. *reproduceerbaar*: wat de solver zelf meldt (`reproduceerbaar` op het "
        "resultaat; `-` als deze versie het veld niet heeft). Oplostijd onder belasting telt "
        "niet mee voor het tijdsdoel.",
        "",
    ]
    baseline = [lid for lid in ov if lid["baseline"]]
    if baseline:
        regels += ["### Naïeve baseline (formulering `huishoudens`) naast `types`", ""]
        kop = (
            "| lid | types oplossen (s) | types variabelen | huishoudens status "
            "| huishoudens oplossen (s) | huishoudens gap | huishoudens piek (MB) "
            "| huishoudens variabelen |"
        )
        regels += [kop, _scheiding(kop)]
        for lid in baseline:
            for b in lid["baseline"]:
                tv = lid["types_variabelen"]
                regels.append(
                    f"| {lid['lid']} | {_s(lid['tijd_s_mediaan'])} "
                    f"| {'-' if tv is None else _nl(tv, 0)} "
                    f"| {b['status']} | {_s(b['oplossen_s'])} "
                    f"| {_gap_tekst(b['gap'], 'relatief')} | {_mb(b['peak_mb'])} "
                    f"| {'-' if b['variabelen'] is None else _nl(b['variabelen'], 0)} |"
                )
        regels.append("")
    return regels

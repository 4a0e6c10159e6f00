"""Rules for output folders: whose folder may be replaced, one writer at a time, leftovers.

`allocatie.io.atomisch.atomische_map` writes an output folder; this module
holds the rules it (and the CLI, before it starts solving) applies:

* **Marker.** Every folder allocatie writes holds `MERK`
  (``.allocatie-uitvoer.json``): the relative path and SHA-256 of every file
  it wrote. A non-empty folder is only replaced (``overschrijf``) when every
  file in it is listed there with an unchanged hash: a folder of other
  documents, a round's input folder or an output folder in which someone
  saved a file of their own is never deleted.
* **Inputs.** The output folder may not be, nor contain, an input of the run
  (`controleer_invoer`).
* **Symlinks.** The output path is resolved first: a symlink to a folder is
  written *through* (the link stays, its target gets the new result); a
  symlink that points nowhere is refused (`doelpad`).
* **Lock.** One writer per folder: a lock file next to the folder
  (`allocatie.io.slot.vergrendel`).
* **Leftovers.** A killed run can leave its temporary folder
  (``.<naam>.<hex>.tmp``) or the previous result it had just moved aside
  (``.<naam>.<pid>.oud``). The next run into the same place removes the first
  and puts the second back when the new result never arrived
  (`ruim_resten`).
* **Signals.** SIGTERM and SIGHUP clean up like Ctrl-C
  (`allocatie.io.slot.onderbreekbaar`).

`uitvoerplek` combines these for a whole run: take the lock, clean up, check,
and keep the lock until the output is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from allocatie.io.slot import leesbare_oorzaak, onderbreekbaar, slotbestand, vergrendel
from allocatie.kern.errors import InvoerFout
from allocatie.kern.versie import VERSIE

__all__ = [
    "MERK",
    "controleer_buiten",
    "controleer_invoer",
    "controleer_ruimte",
    "controleer_uitvoermap",
    "doelpad",
    "leesbare_oorzaak",
    "onderbreekbaar",
    "ruim_oud",
    "ruim_resten",
    "schat_ruimte",
    "schrijf_merk",
    "slotbestand",
    "uitvoerplek",
    "vergrendel",
]

logger = logging.getLogger(__name__)

#: Marker file in every output folder allocatie writes: what it wrote, with hashes.
MERK = ".allocatie-uitvoer.json"
#: At most this many file names in a refusal (the rest is counted).
_MAX_NAMEN = 10


# --------------------------------------------------------------------------- paths


def doelpad(pad: str | os.PathLike[str]) -> Path:
    """The absolute output folder ``pad`` refers to, symlinks resolved.

    A symlink (also a symlinked parent folder) is written *through*: the
    result lands in the link's target and the link keeps pointing at it.

    Raises
    ------
    InvoerFout
        When ``pad`` is a symlink whose target does not exist, or names no
        folder (the root).
    """
    p = Path(pad)
    if p.is_symlink() and not p.exists():
        raise InvoerFout(
            f"de uitvoermap is een koppeling (symlink) naar '{os.readlink(p)}', en dat bestaat "
            "niet; maak het doel van de koppeling eerst aan of kies een andere map",
            bestand=p,
        )
    doel = p.resolve()
    if not doel.name:
        raise InvoerFout("kies een uitvoermap met een naam, niet de hoofdmap", bestand=p)
    return doel


def _umask() -> int:
    """The process umask, read without changing it where the OS allows."""
    with contextlib.suppress(OSError, ValueError):
        for regel in Path("/proc/self/status").read_text().splitlines():
            if regel.startswith("Umask:"):
                return int(regel.split()[1], 8)
    masker = os.umask(0o022)  # pragma: no cover - not Linux
    os.umask(masker)  # pragma: no cover
    return masker  # pragma: no cover


def gewone_modus(*, map_: bool) -> int:
    """The mode ``mkdir`` (``map_``) or ``open`` would give a new entry: umask applied."""
    return (0o777 if map_ else 0o666) & ~_umask()


def _relatief(doel: Path, pad: Path) -> str:
    return pad.relative_to(doel).as_posix()


def _namen(namen: list[str]) -> str:
    getoond = ", ".join(f"'{n}'" for n in namen[:_MAX_NAMEN])
    rest = len(namen) - _MAX_NAMEN
    return getoond + (f" en nog {rest}" if rest > 0 else "")


# --------------------------------------------------------------------------- marker


def _sha256(pad: Path) -> str:
    h = hashlib.sha256()
    with open(pad, "rb") as f:
        for blok in iter(lambda: f.read(1 << 20), b""):
            h.update(blok)
    return h.hexdigest()


def _inhoud(map_: Path) -> list[Path]:
    """Every entry under ``map_`` that is not a folder (symlinks included, not followed)."""
    bestanden: list[Path] = []
    for wortel, dirs, files in os.walk(map_, followlinks=False):
        w = Path(wortel)
        bestanden.extend(w / d for d in dirs if (w / d).is_symlink())
        bestanden.extend(w / f for f in files)
    return bestanden


def schrijf_merk(map_: Path) -> Path:
    """Write `MERK` into ``map_``: every file in it with its SHA-256.

    Called on the complete temporary folder, just before it becomes the
    output folder.
    """
    bestanden = _inhoud(map_)
    lijst = {
        _relatief(map_, p): _sha256(p) for p in sorted(bestanden) if _relatief(map_, p) != MERK
    }
    data = {"programma": "allocatie", "versie": VERSIE, "bestanden": lijst}
    pad = map_ / MERK
    pad.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return pad


def _lees_merk(doel: Path) -> dict[str, str] | None:
    try:
        data = json.loads((doel / MERK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("programma") != "allocatie":
        return None
    lijst = data.get("bestanden")
    if not isinstance(lijst, dict) or not all(isinstance(v, str) for v in lijst.values()):
        return None
    return {str(k): v for k, v in lijst.items()}


def controleer_eigen_uitvoer(doel: Path) -> None:
    """Refuse to replace ``doel`` unless allocatie wrote everything in it.

    Raises
    ------
    InvoerFout
        When ``doel`` has no valid `MERK`, or holds a file that is not listed
        there or whose contents changed since; the message names them.
    """
    bestanden = _inhoud(doel)
    namen = sorted(_relatief(doel, p) for p in bestanden if _relatief(doel, p) != MERK)
    if not namen:
        return  # only (empty) folders: nothing to lose
    lijst = _lees_merk(doel)
    if lijst is None:
        raise InvoerFout(
            "--overschrijf vervangt alleen een uitvoermap die allocatie zelf schreef (met het "
            f"merkbestand {MERK}); deze map heeft dat niet en bevat "
            f"{len(namen)} {'bestand' if len(namen) == 1 else 'bestanden'}: {_namen(namen)}. "
            "Er is niets verwijderd; kies een nieuwe map, of ruim deze map zelf op",
            bestand=doel,
        )
    # allocatie never writes a symlink: one in the folder is not its own (and is not followed)
    vreemd = [n for n in namen if n not in lijst or (doel / n).is_symlink()]
    vreemd_set = set(vreemd)
    eigen = [n for n in namen if n not in vreemd_set]
    gewijzigd = [n for n in eigen if _sha256(doel / n) != lijst[n]]
    if vreemd or gewijzigd:
        delen = []
        if vreemd:
            delen.append(f"niet door allocatie geschreven: {_namen(vreemd)}")
        if gewijzigd:
            delen.append(f"gewijzigd nadat allocatie ze schreef: {_namen(gewijzigd)}")
        raise InvoerFout(
            "--overschrijf vervangt alleen wat allocatie zelf schreef, en deze map bevat "
            f"bestanden die dan verloren zouden gaan ({'; '.join(delen)}). Er is niets "
            "verwijderd; haal die bestanden eerst weg (of bewaar ze elders), of kies een "
            "nieuwe map",
            bestand=doel,
        )


# --------------------------------------------------------------------------- checks


def _bevat(map_: Path, pad: Path) -> bool:
    return pad == map_ or map_ in pad.parents


def controleer_invoer(doel: Path, invoer: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse an output folder that is, or contains, one of the run's inputs.

    Raises
    ------
    InvoerFout
        When ``doel`` equals or contains a path of ``invoer`` (symlinks resolved).
    """
    paden = [(p, Path(p).resolve()) for p in invoer]
    paden.sort(key=lambda pe: pe[1] != doel)  # "is the input folder" first: the clearest
    for p, echt in paden:
        if _bevat(doel, echt):
            wat = "is de invoermap" if echt == doel else f"bevat de invoer '{p}'"
            raise InvoerFout(
                f"de uitvoermap {wat} van deze run; de uitvoer zou de invoer vervangen. Er is "
                "niets verwijderd; kies een aparte uitvoermap (bijv. uitvoer/<naam>)",
                bestand=doel,
            )


def controleer_buiten(doel: Path, paden: dict[str, str | os.PathLike[str] | None]) -> None:
    """Refuse another output file of the run (``--json``, ``--archief``) inside ``doel``.

    Such a file would be in a folder allocatie replaces as a whole, and would
    make the next ``--overschrijf`` refuse (allocatie did not list it).

    Parameters
    ----------
    doel
        The output folder (resolved).
    paden
        Option name -> path (None: not given).

    Raises
    ------
    InvoerFout
        When one of ``paden`` lies inside ``doel``.
    """
    for optie, p in paden.items():
        if p is not None and _bevat(doel, Path(p).resolve()):
            raise InvoerFout(
                f"{optie} '{p}' ligt in de uitvoermap, en die wordt in zijn geheel geschreven "
                "en vervangen; kies een pad buiten de uitvoermap",
                bestand=doel,
            )


def schat_ruimte(invoer: Iterable[str | os.PathLike[str]]) -> int:
    """A generous estimate of the bytes an output folder needs, from its inputs' sizes.

    The outputs (tables, workbook, report, map, archive) of the example round
    take about 1 MB for 60 kB of input; the estimate is 16 MB plus ten times
    the input files' size.
    """
    totaal = 0
    for p in invoer:
        with contextlib.suppress(OSError):
            if Path(p).is_file():
                totaal += Path(p).stat().st_size
    return 16_000_000 + 10 * totaal


def _bestaande_voorouder(pad: Path) -> Path:
    p = pad
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def controleer_ruimte(doel: Path, ruimte: int) -> None:
    """Refuse when fewer than ``ruimte`` bytes can be written next to ``doel``.

    Both the free space on the file system and a limit on the file size
    (``ulimit -f``) count.

    Raises
    ------
    InvoerFout
        When there is not enough room.
    """
    if ruimte <= 0:
        return
    plek = _bestaande_voorouder(doel.parent)
    try:
        vrij = shutil.disk_usage(plek).free
    except OSError:  # pragma: no cover - e.g. some network file systems
        vrij = None
    if vrij is not None and vrij < ruimte:
        raise InvoerFout(
            f"te weinig vrije schijfruimte voor de uitvoer: {_mb(vrij)} vrij op '{plek}', nodig "
            f"naar schatting {_mb(ruimte)}; maak ruimte vrij of kies een map op een andere schijf",
            bestand=doel,
        )
    limiet = _bestandslimiet()
    if limiet is not None and limiet < ruimte:
        raise InvoerFout(
            f"de grootte van een bestand is begrensd op {_mb(limiet)} (ulimit -f), en de uitvoer "
            f"vraagt naar schatting {_mb(ruimte)}; hef de grens op (ulimit -f unlimited)",
            bestand=doel,
        )


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB".replace(".", ",")


def _bestandslimiet() -> int | None:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    zacht, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if zacht == resource.RLIM_INFINITY else int(zacht)


def controleer_uitvoermap(
    pad: str | os.PathLike[str],
    *,
    overschrijf: bool = False,
    invoer: Iterable[str | os.PathLike[str]] = (),
    ruimte: int = 0,
) -> Path:
    """Check, before any work, that an output folder may be written at ``pad``.

    Parameters
    ----------
    pad
        The output folder (a symlink is resolved, see `doelpad`).
    overschrijf
        An existing, non-empty folder may be replaced, but only when allocatie
        wrote all of it (`controleer_eigen_uitvoer`).
    invoer
        The run's input files and folders; the output folder may not be or
        contain any of them.
    ruimte
        Bytes the output needs (an estimate; 0: do not check).

    Returns
    -------
    Path
        ``pad`` as given (not resolved), for messages.

    Raises
    ------
    InvoerFout
        When ``pad`` is a file, an input, a non-empty folder without
        ``overschrijf``, a folder with files allocatie did not write, or when
        there is not enough room.
    """
    doel = doelpad(pad)
    gevraagd = Path(pad)
    if doel.exists() and not doel.is_dir():
        raise InvoerFout("uitvoermap is een bestand; kies een map", bestand=gevraagd)
    controleer_invoer(doel, invoer)
    if doel.is_dir() and any(doel.iterdir()):
        if not overschrijf:
            raise InvoerFout(
                "uitvoermap bestaat al en is niet leeg; kies een andere map of gebruik "
                "--overschrijf",
                bestand=gevraagd,
            )
        controleer_eigen_uitvoer(doel)
        if not os.access(doel, os.W_OK | os.X_OK):
            raise InvoerFout(
                "geen schrijfrechten op de bestaande uitvoermap; de oude uitvoer kan niet "
                "worden vervangen",
                bestand=gevraagd,
            )
    controleer_ruimte(doel, ruimte)
    return gevraagd


# --------------------------------------------------------------------------- leftovers


def _resten(doel: Path, soort: str) -> list[Path]:
    patroon = re.compile(
        rf"^\.{re.escape(doel.name)}\.{'[0-9a-f]{12}' if soort == 'tmp' else '[0-9]+'}\.{soort}$"
    )
    try:
        return sorted(p for p in doel.parent.iterdir() if patroon.match(p.name))
    except OSError:
        return []


def ruim_resten(doel: Path) -> list[str]:
    """Clean up what an interrupted (killed) run left next to ``doel``.

    Call with the lock held (`vergrendel`): then no other run is writing here.

    * ``.<naam>.<hex>.tmp``: the temporary folder (or file) of a killed run;
      removed.
    * ``.<naam>.<pid>.oud``: the previous output a killed run had moved
      aside; put back when ``doel`` is missing (the new output never arrived),
      removed otherwise. With several, the newest is put back.

    Returns
    -------
    list[str]
        One Dutch sentence per action, for the user.
    """
    meldingen: list[str] = []
    for p in _resten(doel, "tmp"):
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                p.unlink()
        meldingen.append(f"tijdelijke map '{p.name}' van een afgebroken run opgeruimd")
    oud = sorted(_resten(doel, "oud"), key=lambda p: p.stat().st_mtime_ns)
    if oud and not doel.exists() and not doel.is_symlink():
        terug = oud.pop()
        os.replace(terug, doel)
        meldingen.append(
            f"een afgebroken run had de vorige uitvoer weggezet als '{terug.name}'; die staat "
            f"weer op '{doel.name}'"
        )
    for p in oud:
        meldingen.append(ruim_oud(p, doel))
    for m in meldingen:
        logger.warning("%s: %s", doel, m)
    return meldingen


def ruim_oud(oud: Path, doel: Path) -> str:
    """Remove the previous output ``oud`` that a new ``doel`` replaced.

    Only what allocatie wrote is deleted: when a file appeared in it after
    the check (or it holds one allocatie did not write), the folder is kept,
    visibly, as ``<naam>.vorige`` (numbered if taken) next to ``doel``.

    Returns
    -------
    str
        What happened (Dutch).
    """
    try:
        controleer_eigen_uitvoer(oud)
    except InvoerFout:
        for i in range(1, 1000):
            bewaard = doel.with_name(f"{doel.name}.vorige" + ("" if i == 1 else f"-{i}"))
            if not bewaard.exists():
                os.replace(oud, bewaard)
                bericht = (
                    f"de vorige uitvoer bevatte bestanden die allocatie niet schreef; die map is "
                    f"bewaard als '{bewaard.name}'"
                )
                logger.warning("%s: %s", doel, bericht)
                return bericht
    shutil.rmtree(oud, ignore_errors=True)
    return f"oude uitvoer '{oud.name}' opgeruimd"


# --------------------------------------------------------------------------- a whole run


@contextlib.contextmanager
def uitvoerplek(
    pad: str | os.PathLike[str],
    *,
    overschrijf: bool = False,
    invoer: Iterable[str | os.PathLike[str]] = (),
    ruimte: int = 0,
) -> Iterator[Path]:
    """Hold the output folder ``pad`` for a whole run, before solving starts.

    Takes the lock (`vergrendel`), cleans up a killed run's leftovers
    (`ruim_resten`) and checks that the folder may be written
    (`controleer_uitvoermap`). On SIGTERM/SIGHUP in the block (while solving)
    the lock file is removed and the process ends at once
    (`allocatie.io.slot.onderbreekbaar`). Write the output inside the
    block with `allocatie.io.atomisch.atomische_map` (it reuses the lock).

    Yields
    ------
    Path
        The resolved output folder (symlinks followed).

    Raises
    ------
    InvoerFout
        When another run writes there, the place is not writable, or
        `controleer_uitvoermap` refuses.
    """
    doel = doelpad(pad)
    with onderbreekbaar(schrijven=False), vergrendel(doel):
        ruim_resten(doel)
        controleer_uitvoermap(doel, overschrijf=overschrijf, invoer=invoer, ruimte=ruimte)
        yield doel

"""Process-level guards of an output folder: one writer at a time, and signals.

* **Lock.** One writer per folder: a lock file ``.<naam>.allocatie-slot`` next
  to the folder, held with an OS lock (``fcntl.flock``; where that is missing,
  an exclusive create with a check on the pid inside). The lock dies with its
  process, so a killed run never blocks the next one (`vergrendel`).
* **Signals.** While an output folder is written, SIGTERM and SIGHUP raise
  `allocatie.kern.errors.Onderbreking` (a `KeyboardInterrupt`), so the same
  clean-up runs as for Ctrl-C; while a run only holds its folder (solving),
  they remove the lock file and end the process at once (`onderbreekbaar`).

See `allocatie.io.uitvoermap` for the rules these serve.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from allocatie.kern.errors import InvoerFout, Onderbreking

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["leesbare_oorzaak", "onderbreekbaar", "slotbestand", "vergrendel"]

logger = logging.getLogger(__name__)


def slotbestand(doel: Path) -> Path:
    """The lock file of the output folder ``doel`` (next to it, hidden)."""
    return doel.with_name(f".{doel.name}.allocatie-slot")


# --------------------------------------------------------------------------- lock


_SLOTEN: dict[tuple[Path, int], list[int]] = {}  # (folder, thread) -> [fd, depth]
_SLOTEN_LOK = threading.Lock()


def _lees_pid(pad: Path) -> int | None:
    try:
        tekst = pad.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    return int(tekst) if tekst.isdigit() else None


def _leeft(pid: int) -> bool:
    """Whether process ``pid`` runs (POSIX; elsewhere assumed, so a lock is never stolen)."""
    if sys.platform == "win32":  # pragma: no cover - os.kill would terminate it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _bezet(doel: Path, slot: Path, pid: int | None, *, handmatig: bool = False) -> InvoerFout:
    wie = f"proces {pid}" if pid is not None else "een ander proces"
    tip = (
        "; loopt die run niet meer, verwijder dan dat slotbestand"
        if handmatig  # without an OS lock a stale lock cannot always be recognised
        else ""
    )
    return InvoerFout(
        f"in deze uitvoermap schrijft nu een andere allocatie-run ({wie}); twee runs in "
        "dezelfde map zouden elkaars uitvoer vervangen. Wacht tot die run klaar is, of kies een "
        f"andere map (het slot is '{slot.name}'{tip})",
        bestand=doel,
    )


def _neem_flock(doel: Path, slot: Path) -> int:
    assert fcntl is not None
    for _ in range(100):
        fd = os.open(slot, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise _bezet(doel, slot, _lees_pid(slot)) from None
        try:
            nu = os.stat(slot)
        except FileNotFoundError:
            nu = None
        eigen = os.fstat(fd)
        if nu is None or (nu.st_dev, nu.st_ino) != (eigen.st_dev, eigen.st_ino):
            os.close(fd)  # the previous holder removed the file after we opened it
            continue
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        return fd
    raise _bezet(doel, slot, None)  # pragma: no cover


def _neem_exclusief(doel: Path, slot: Path) -> int:
    """Lock without ``fcntl``: create the lock file exclusively; a dead pid's file is stale."""
    for _ in range(100):
        try:
            fd = os.open(slot, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pid = _lees_pid(slot)
            if pid is not None and pid != os.getpid() and not _leeft(pid):
                logger.warning("verlopen slot van proces %s opgeruimd: %s", pid, slot)
                with contextlib.suppress(FileNotFoundError):
                    slot.unlink()
                continue
            raise _bezet(doel, slot, pid, handmatig=True) from None
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        return fd
    raise _bezet(doel, slot, None)  # pragma: no cover


def _schrijffout(doel: Path, exc: OSError) -> InvoerFout:
    return InvoerFout(
        f"kan niet schrijven op de plek van de uitvoermap ({leesbare_oorzaak(exc)}); kies een "
        "map waarin je mag schrijven",
        bestand=doel,
    )


def leesbare_oorzaak(exc: BaseException) -> str:
    """A short Dutch reason for an error while writing (disk full, no rights, ...)."""
    if isinstance(exc, OSError):
        teksten = {
            errno.ENOSPC: "de schijf is vol",
            errno.EFBIG: "bestand te groot voor de grens op de bestandsgrootte (ulimit -f)",
            errno.EACCES: "geen schrijfrechten",
            errno.EPERM: "niet toegestaan",
            errno.EROFS: "alleen-lezen bestandssysteem",
            errno.EDQUOT: "schijfquotum bereikt",
        }
        tekst = teksten.get(exc.errno or -1)
        if tekst is not None:
            plek = f": '{exc.filename}'" if exc.filename else ""
            return f"{tekst}{plek}"
    return f"{type(exc).__name__}: {exc}"


@contextlib.contextmanager
def vergrendel(doel: Path) -> Iterator[Path]:
    """Hold the lock of output folder ``doel`` (absolute, resolved) for the block.

    Re-entrant within one thread (the CLI holds it for the whole run, the
    writer takes it again). The lock file is removed when the lock is released;
    a lock file left by a killed process is taken over.

    Raises
    ------
    InvoerFout
        When another process holds the lock (its pid is named) or the lock
        file cannot be created (no rights, read-only, ...).
    """
    sleutel = (doel, threading.get_ident())
    with _SLOTEN_LOK:
        bestaand = _SLOTEN.get(sleutel)
        if bestaand is not None:
            bestaand[1] += 1
    if bestaand is not None:
        try:
            yield slotbestand(doel)
        finally:
            with _SLOTEN_LOK:
                bestaand[1] -= 1
        return
    slot = slotbestand(doel)
    gemaakt: list[Path] = []
    try:
        p = doel.parent
        while not p.exists():
            gemaakt.append(p)
            p = p.parent
        doel.parent.mkdir(parents=True, exist_ok=True)
        fd = _neem_flock(doel, slot) if fcntl is not None else _neem_exclusief(doel, slot)
    except OSError as exc:
        _ruim_mappen(gemaakt)
        raise _schrijffout(doel, exc) from None
    except InvoerFout:
        _ruim_mappen(gemaakt)
        raise
    with _SLOTEN_LOK:
        _SLOTEN[sleutel] = [fd, 1]
    try:
        yield slot
    finally:
        with _SLOTEN_LOK:
            del _SLOTEN[sleutel]
        with contextlib.suppress(OSError):
            slot.unlink()  # while still holding it: see _neem_flock
        os.close(fd)
        if not doel.exists():
            _ruim_mappen(gemaakt)


def _ruim_mappen(gemaakt: list[Path]) -> None:
    """Remove the (still empty) parent folders a refused run created."""
    for p in gemaakt:
        with contextlib.suppress(OSError):
            p.rmdir()


# --------------------------------------------------------------------------- signals


_SIGNALEN = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


class _Signalen:
    """The installed handler and what the process is doing (main thread only)."""

    def __init__(self) -> None:
        self.diepte = 0  # nested `onderbreekbaar` blocks
        self.schrijvend = 0  # of which writing an output folder
        self.pid = os.getpid()
        self.vorige: dict[int, Any] = {}
        self.ontvangen = False

    def handler(self, signum: int, frame: FrameType | None) -> None:
        if os.getpid() != self.pid:  # a forked child: as if nothing was installed
            self._sterf(signum)
        if self.schrijvend:
            if self.ontvangen:
                return  # already stopping: let the clean-up finish
            self.ontvangen = True
            raise Onderbreking(signum)
        # Not writing (e.g. solving, possibly with solver threads that an exception would
        # wait for): nothing is half-written. Release our lock files and stop at once.
        with _SLOTEN_LOK:
            mappen = [doel for doel, _ in _SLOTEN]
        for doel in mappen:
            with contextlib.suppress(OSError):
                slotbestand(doel).unlink()
        self._sterf(signum)

    @staticmethod
    def _sterf(signum: int) -> None:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


_STAAT = _Signalen()


@contextlib.contextmanager
def onderbreekbaar(*, schrijven: bool = True) -> Iterator[None]:
    """Handle SIGTERM and SIGHUP in the block so that they leave nothing behind.

    While writing (``schrijven``; `allocatie.io.atomisch.atomische_map`) the
    signal raises `Onderbreking` (a `KeyboardInterrupt`), so the clean-up of
    ``finally`` and ``except BaseException`` blocks runs as it does on Ctrl-C;
    a second signal during that clean-up is ignored. Otherwise (a run that
    holds its output folder while it solves) the lock files are removed and
    the process ends by the signal at once, as without a handler.

    Only in the main thread, only for signals whose handler is the default,
    and only in this process (a forked worker gets the default back). Blocks
    nest; the previous handlers return when the outermost ends.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if _STAAT.diepte == 0:
        _STAAT.pid, _STAAT.ontvangen = os.getpid(), False
        _STAAT.vorige = {}
        for s in _SIGNALEN:
            if signal.getsignal(s) == signal.SIG_DFL:
                _STAAT.vorige[s] = signal.signal(s, _STAAT.handler)
    _STAAT.diepte += 1
    _STAAT.schrijvend += int(schrijven)
    try:
        yield
    finally:
        _STAAT.schrijvend -= int(schrijven)
        _STAAT.diepte -= 1
        if _STAAT.diepte == 0:
            for s, h in _STAAT.vorige.items():
                signal.signal(s, h)

"""Atomic file writes: a reader never sees a half-written output file.

Every output of allocatie (CSV tables, workbooks, reports) is first written to a
temporary file in the *same* folder as the target and then moved into place with
:func:`os.replace`, which is atomic on POSIX and on Windows (same volume). If
writing fails, the temporary file is removed and an existing target is left
untouched.

Temporary files and folders are readable by their owner only (``0600`` /
``0700``: they may hold household ids) until the final rename; then they get
the ordinary permissions (the umask applies, as for ``open`` and ``mkdir``;
a replaced file or folder keeps its permission bits).

Output folders follow the rules of `allocatie.io.uitvoermap` (marker file,
inputs, symlinks, one writer at a time, leftovers of killed runs, signals).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import pandas as pd
>>> map_ = Path(tempfile.mkdtemp())
>>> schrijf_csv_atomisch(pd.DataFrame({"a": [1, 2]}), map_ / "uit.csv").read_text()
'a\\n1\\n2\\n'
>>> sorted(p.name for p in map_.iterdir())  # no temporary file left behind
['uit.csv']
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from allocatie.io.uitvoermap import (
    controleer_uitvoermap,
    doelpad,
    gewone_modus,
    onderbreekbaar,
    ruim_oud,
    ruim_resten,
    schrijf_merk,
    uitvoerplek,
    vergrendel,
)
from allocatie.kern.errors import InvoerFout

__all__ = [
    "atomisch_pad",
    "atomische_map",
    "controleer_uitvoerbestand",
    "controleer_uitvoermap",
    "schrijf_csv_atomisch",
    "uitvoerplek",
]

logger = logging.getLogger(__name__)

_POGINGEN = 100


def _maak_tijdelijk(doel: Path) -> Path:
    """Create an empty, uniquely named temporary file next to ``doel``.

    The file is readable by its owner only (``0o600``) until it is renamed;
    `atomisch_pad` then gives it the ordinary mode.
    """
    for _ in range(_POGINGEN):
        kandidaat = doel.with_name(f".{doel.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(kandidaat, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return kandidaat
    raise FileExistsError(f"geen vrije tijdelijke bestandsnaam naast {doel}")  # pragma: no cover


def _maak_tijdelijke_map(doel: Path) -> Path:
    """Create an empty, uniquely named temporary folder next to ``doel``.

    The folder is readable by its owner only (``0o700``) while it is written;
    `atomische_map` gives it the ordinary mode just before the rename.
    """
    for _ in range(_POGINGEN):
        kandidaat = doel.with_name(f".{doel.name}.{secrets.token_hex(6)}.tmp")
        try:
            os.mkdir(kandidaat, 0o700)
        except FileExistsError:
            continue
        return kandidaat
    raise FileExistsError(f"geen vrije tijdelijke mapnaam naast {doel}")  # pragma: no cover


def _fsync_bestand(pad: Path) -> None:
    with open(pad, "rb") as f:
        os.fsync(f.fileno())


def _fsync_map(map_: Path) -> None:
    """Flush the directory entry (POSIX only; a no-op where unsupported)."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows
        return
    try:
        fd = os.open(map_, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # pragma: no cover - e.g. some network file systems
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _controleer_doel(doel: Path) -> None:
    map_ = doel.parent
    if not map_.is_dir():
        raise InvoerFout(
            f"de map '{map_}' voor het uitvoerbestand bestaat niet; maak de map eerst aan "
            "of kies een ander pad",
            bestand=doel,
        )
    if doel.is_dir():
        raise InvoerFout(
            "dit pad is een map, geen bestand; geef een bestandsnaam op (bijv. 'uitvoer.csv')",
            bestand=doel,
        )


@contextlib.contextmanager
def atomisch_pad(pad: str | os.PathLike[str], *, fsync: bool = False) -> Iterator[Path]:
    """Yield a temporary path that replaces ``pad`` atomically on success.

    Write the complete output to the yielded path inside the ``with`` block.
    When the block finishes without an exception the temporary file is moved to
    ``pad`` with :func:`os.replace`; when it raises, the temporary file is
    removed, ``pad`` is left as it was and the exception propagates.

    Parameters
    ----------
    pad
        The final file. Its folder must exist.
    fsync
        Also flush the file and its folder to disk before returning (slower;
        use it when a power failure must not lose a reported write).

    Yields
    ------
    Path
        A fresh, empty file in the same folder as ``pad`` (a hidden name ending
        in ``.tmp``). The body may overwrite or recreate it.

    Raises
    ------
    InvoerFout
        When the folder of ``pad`` does not exist or ``pad`` is a folder.

    Notes
    -----
    The temporary file is ``0o600``; on success it gets the mode of the
    existing ``pad``, or the ordinary mode of a new file (umask applied).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> doel = Path(tempfile.mkdtemp()) / "rapport.txt"
    >>> with atomisch_pad(doel) as tmp:
    ...     _ = tmp.write_text("klaar\\n")
    >>> doel.read_text()
    'klaar\\n'
    """
    doel = Path(pad)
    _controleer_doel(doel)
    tijdelijk = _maak_tijdelijk(doel)
    try:
        yield tijdelijk
        if not tijdelijk.exists():
            raise FileNotFoundError(f"het tijdelijke bestand {tijdelijk} is verdwenen")
        modus = stat.S_IMODE(doel.stat().st_mode) if doel.exists() else None
        with contextlib.suppress(OSError):
            os.chmod(tijdelijk, gewone_modus(map_=False) if modus is None else modus)
        if fsync:
            _fsync_bestand(tijdelijk)
        os.replace(tijdelijk, doel)
    except BaseException:
        with contextlib.suppress(OSError):
            tijdelijk.unlink(missing_ok=True)
        raise
    if fsync:
        _fsync_map(doel.parent)
    logger.debug("atomisch geschreven: %s", doel)


def schrijf_csv_atomisch(
    df: pd.DataFrame,
    pad: str | os.PathLike[str],
    *,
    fsync: bool = False,
    index: bool = False,
    **to_csv_kwargs: Any,
) -> Path:
    """Write a DataFrame to CSV (UTF-8, comma, ``\\n`` line ends) atomically.

    Parameters
    ----------
    df
        The table to write.
    pad
        The target CSV file; its folder must exist.
    fsync
        See :func:`atomisch_pad`.
    index
        Write the DataFrame index as a column (default: no).
    **to_csv_kwargs
        Passed on to :meth:`pandas.DataFrame.to_csv`.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> doel = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = schrijf_csv_atomisch(pd.DataFrame({"x": ["a"], "y": [3]}), doel)
    >>> doel.read_text()
    'x,y\\na,3\\n'
    """
    to_csv_kwargs.setdefault("encoding", "utf-8")
    to_csv_kwargs.setdefault("lineterminator", "\n")
    doel = Path(pad)
    with atomisch_pad(doel, fsync=fsync) as tijdelijk:
        df.to_csv(tijdelijk, index=index, **to_csv_kwargs)
    return doel


def controleer_uitvoerbestand(pad: str | os.PathLike[str]) -> Path:
    """Check, before any work, that `atomisch_pad` may write the file ``pad``.

    Raises
    ------
    InvoerFout
        When the folder of ``pad`` does not exist or ``pad`` is a folder.
    """
    doel = Path(pad)
    _controleer_doel(doel)
    return doel


@contextlib.contextmanager
def atomische_map(
    pad: str | os.PathLike[str],
    *,
    overschrijf: bool = False,
) -> Iterator[Path]:
    """Yield a temporary sibling folder that becomes ``pad`` on success.

    Everything written inside the block appears at ``pad`` at once, or not at
    all: on an exception (or Ctrl-C, SIGTERM, SIGHUP) the temporary folder is
    removed and an existing ``pad`` is left untouched.

    The rules of `allocatie.io.uitvoermap` apply: the folder gets a marker
    file `MERK` listing every file written (with SHA-256); an existing
    non-empty ``pad`` is replaced only with ``overschrijf`` and only when
    allocatie wrote all of it; a symlink is written through to its target; one
    writer at a time (a lock file next to ``pad``); the leftovers of a killed
    run are cleaned up first.

    The temporary folder is readable by its owner only while it is written;
    the final folder gets the permissions ``mkdir`` would give it (the process
    umask applies), or those of the folder it replaces.

    Parameters
    ----------
    pad
        The final folder. Its parent is created if needed.
    overschrijf
        Replace an existing non-empty ``pad`` that allocatie wrote; without
        it that is an error, so earlier output is never lost silently.

    Raises
    ------
    InvoerFout
        When ``pad`` may not be written (see
        `allocatie.io.uitvoermap.controleer_uitvoermap`) or another run
        writes there.

    Notes
    -----
    To keep a solved result when writing fails, wrap the call in
    `allocatie.io.herstel.bewaar_bij_fout`.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> doel = Path(tempfile.mkdtemp()) / "uitvoer"
    >>> with atomische_map(doel) as tmp:
    ...     _ = (tmp / "a.txt").write_text("klaar")
    >>> sorted(p.name for p in doel.iterdir())
    ['.allocatie-uitvoer.json', 'a.txt']
    """
    doel = doelpad(pad)
    stapel = contextlib.ExitStack()
    try:
        stapel.enter_context(onderbreekbaar())
        stapel.enter_context(vergrendel(doel))
        ruim_resten(doel)
        controleer_uitvoermap(doel, overschrijf=overschrijf)
        tijdelijk = _maak_tijdelijke_map(doel)
    except BaseException:
        stapel.close()
        raise
    oud: Path | None = None
    with stapel:
        try:
            yield tijdelijk
            schrijf_merk(tijdelijk)
            bestaat = doel.exists()
            modus = stat.S_IMODE(doel.stat().st_mode) if bestaat else gewone_modus(map_=True)
            os.chmod(tijdelijk, modus)
            if bestaat:
                oud = doel.with_name(f".{doel.name}.{os.getpid()}.oud")
                os.replace(doel, oud)
            os.replace(tijdelijk, doel)
        except BaseException:
            shutil.rmtree(tijdelijk, ignore_errors=True)
            if oud is not None and not doel.exists():
                os.replace(oud, doel)
            raise
        if oud is not None:
            ruim_oud(oud, doel)
    logger.debug("map atomisch geschreven: %s", doel)

"""One exception hierarchy and the named warnings of allocatie.

Every message is Dutch (a regisseur reads it) and, for input problems, names
the file, the row (1-based data row, as a spreadsheet shows it: the header is
row 1, the first data row is row 2), the column and the offending value, and
says what would be valid.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path


class AllocatieFout(Exception):
    """Base class of every error raised by allocatie."""


class InvoerFout(AllocatieFout):
    """Invalid input: a file, a row, a column or a value that cannot be used.

    Parameters
    ----------
    bericht
        What is wrong and what would be valid (Dutch).
    bestand
        The file, if the input came from one (else the table name).
    rij
        The row as a spreadsheet shows it (header = 1), if one row is at fault.
    kolom
        The column, if one column is at fault.
    waarde
        The offending value, as given.
    """

    def __init__(
        self,
        bericht: str,
        *,
        bestand: str | Path | None = None,
        rij: int | None = None,
        kolom: str | None = None,
        waarde: object = None,
    ) -> None:
        self.bericht = bericht
        self.bestand = str(bestand) if bestand is not None else None
        self.rij = rij
        self.kolom = kolom
        self.waarde = waarde
        super().__init__(self._opmaak())

    def _opmaak(self) -> str:
        plaats = []
        if self.bestand is not None:
            plaats.append(f"bestand '{self.bestand}'")
        if self.rij is not None:
            plaats.append(f"rij {self.rij}")
        if self.kolom is not None:
            plaats.append(f"kolom '{self.kolom}'")
        if self.waarde is not None:
            plaats.append(f"waarde {self.waarde!r}")
        prefix = ", ".join(plaats)
        return f"{prefix}: {self.bericht}" if prefix else self.bericht


#: How many input errors a validation reports at most (the rest are counted).
MAX_FOUTEN = 200


class InvoerFouten(InvoerFout):
    """Several input errors found in one validation, in the order they were found.

    Its own ``bestand``, ``rij``, ``kolom`` and ``waarde`` are those of the first
    error, so code that reads one `InvoerFout` still works; the message lists
    every error, one per line.

    Attributes
    ----------
    fouten
        The errors (at most `MAX_FOUTEN`).
    meer
        How many more errors were found beyond ``fouten``.
    """

    def __init__(self, fouten: list[InvoerFout], meer: int = 0) -> None:
        if not fouten:
            raise ValueError("InvoerFouten needs at least one error")
        self.fouten = list(fouten)
        self.meer = meer
        eerste = fouten[0]
        super().__init__(
            eerste.bericht,
            bestand=eerste.bestand,
            rij=eerste.rij,
            kolom=eerste.kolom,
            waarde=eerste.waarde,
        )

    @property
    def aantal(self) -> int:
        """All errors found, also those beyond the listed ones."""
        return len(self.fouten) + self.meer

    def _opmaak(self) -> str:
        regels = [f"{self.aantal} fouten in de invoer:"]
        regels += [f"- {f}" for f in self.fouten]
        if self.meer:
            regels.append(f"- en nog {self.meer} fouten (niet getoond)")
        return "\n".join(regels)


class Foutenlijst:
    """Collector of input errors (`verzamel`): the first `maximum`, the rest counted.

    An error at a place (file, row, column) already reported is dropped: a bad
    cell is reported once, not again by each later check that reads it.
    """

    def __init__(self, maximum: int = MAX_FOUTEN) -> None:
        self.maximum = maximum
        self.fouten: list[InvoerFout] = []
        self.meer = 0
        self._plaatsen: set[tuple[str | None, int | None, str | None]] = set()
        # The errors this list raised itself (`stop_bij_fouten`): back in `verzamel`
        # they are already recorded, their count of errors not shown as well.
        self._eigen: list[InvoerFout] = []

    def voeg_toe(self, fout: InvoerFout) -> None:
        """Record ``fout`` (several, for an `InvoerFouten`)."""
        if any(fout is eigen for eigen in self._eigen):
            return
        for f in fout.fouten if isinstance(fout, InvoerFouten) else [fout]:
            plaats = (f.bestand, f.rij, f.kolom)
            if (f.rij is not None and plaats in self._plaatsen) or any(
                f is eerder for eerder in self.fouten
            ):
                continue
            self._plaatsen.add(plaats)
            if len(self.fouten) < self.maximum:
                self.fouten.append(f)
            else:
                self.meer += 1
        if isinstance(fout, InvoerFouten):
            self.meer += fout.meer

    def als_fout(self) -> InvoerFout | None:
        """None without errors, the error itself for one, else an `InvoerFouten`."""
        if not self.fouten:
            return None
        if len(self.fouten) == 1 and not self.meer:
            return self.fouten[0]
        fout = InvoerFouten(self.fouten, self.meer)
        self._eigen.append(fout)
        return fout


_verzamelaar: ContextVar[Foutenlijst | None] = ContextVar("allocatie_foutenlijst", default=None)


def meld(fout: InvoerFout) -> None:
    """Report a cell-level input error: raise it, or record it inside `verzamel`.

    A checker that calls `meld` must go on with a harmless stand-in value, so
    later rows and tables are checked too; the collected errors are raised when
    `verzamel` ends.
    """
    lijst = _verzamelaar.get()
    if lijst is None:
        raise fout
    lijst.voeg_toe(fout)


def heeft_fouten(bestand: str | None = None) -> bool:
    """Has the active `verzamel` recorded an error (of ``bestand``, if given)?

    A check whose input may hold stand-ins (a spatial join on coordinates that
    did not parse) asks this first and is skipped, so it does not report the
    stand-ins as errors of their own.
    """
    lijst = _verzamelaar.get()
    return lijst is not None and any(bestand is None or f.bestand == bestand for f in lijst.fouten)


def stop_bij_fouten() -> None:
    """End the active `verzamel` when it has recorded errors (later checks depend on them)."""
    lijst = _verzamelaar.get()
    gevonden = None if lijst is None else lijst.als_fout()
    if gevonden is not None:
        raise gevonden


@contextmanager
def verzamel(maximum: int = MAX_FOUTEN) -> Iterator[Foutenlijst]:
    """Collect every input error `meld` reports in the block, and raise them all at its end.

    An `InvoerFout` raised in the block (a problem the check cannot go on from,
    such as a missing column) ends the block and is added to those collected.
    Any other exception after collected errors is taken as their consequence
    (a stand-in value that a later step could not use): the collected errors
    are raised in its place. Nested blocks report into the outer one.

    Examples
    --------
    >>> with verzamel() as lijst:
    ...     meld(InvoerFout("fout 1", rij=2))
    ...     meld(InvoerFout("fout 2", rij=3))
    Traceback (most recent call last):
    ...
    allocatie.kern.errors.InvoerFouten: 2 fouten in de invoer:
    - rij 2: fout 1
    - rij 3: fout 2
    """
    buiten = _verzamelaar.get()
    if buiten is not None:
        yield buiten
        return
    lijst = Foutenlijst(maximum)
    token = _verzamelaar.set(lijst)
    try:
        yield lijst
    except InvoerFout as fout:
        lijst.voeg_toe(fout)
    except Exception as exc:
        gevonden = lijst.als_fout()
        if gevonden is None:
            raise
        raise gevonden from exc
    finally:
        _verzamelaar.reset(token)
    gevonden = lijst.als_fout()
    if gevonden is not None:
        raise gevonden


class ConfiguratieFout(InvoerFout):
    """Invalid round configuration (ronde.toml) or model preset."""


class SolverFout(AllocatieFout):
    """A solver backend failed or is not available."""


class VerificatieFout(AllocatieFout):
    """An independent re-check (``verify``) found a violated rule.

    Attributes
    ----------
    schendingen
        Every violation found, one Dutch sentence each.
    """

    def __init__(self, schendingen: list[str]) -> None:
        self.schendingen = list(schendingen)
        kop = f"De oplossing doorstaat de onafhankelijke controle niet ({len(schendingen)} fouten):"
        super().__init__("\n".join([kop, *(f"- {s}" for s in schendingen[:20])]))


class SweepFout(AllocatieFout):
    """A sweep (`allocatie.kern.sweep`) failed: one of its tasks raised, or it could not start.

    The exception of the failed task is chained as ``__cause__``.

    Attributes
    ----------
    index
        Position (from 0) of the failed task in the task list; None when the
        sweep failed before any task ran (e.g. no Dask scheduler at the address).
    taak
        Shortened ``repr`` of the failed task, or None.
    """

    def __init__(self, bericht: str, *, index: int | None = None, taak: str | None = None) -> None:
        self.index = index
        self.taak = taak
        super().__init__(bericht)


class SchrijfFout(AllocatieFout):
    """The output of a solved and verified run could not be written.

    The solved result is not lost: when it could be kept, ``herstel`` is the
    recovery folder from which ``allocatie schrijf`` writes the output without
    solving again. The original error is chained as ``__cause__``.

    Attributes
    ----------
    doel
        The output folder that could not be written.
    herstel
        The recovery folder, or None when even that could not be written.
    """

    def __init__(self, bericht: str, *, doel: Path, herstel: Path | None) -> None:
        self.doel = doel
        self.herstel = herstel
        super().__init__(bericht)


class Onderbreking(KeyboardInterrupt):
    """A run was stopped by a signal (SIGTERM, SIGHUP) while it held an output folder.

    Raised from the signal handler of `allocatie.io.uitvoermap.onderbreekbaar`
    so that the same clean-up runs as for Ctrl-C (a `KeyboardInterrupt`).

    Attributes
    ----------
    signaal
        The signal number.
    """

    def __init__(self, signaal: int) -> None:
        self.signaal = signaal
        super().__init__(f"onderbroken door signaal {signaal}")


class AllocatieWaarschuwing(UserWarning):
    """Base class of allocatie's warnings."""

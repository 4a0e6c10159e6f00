"""One exception hierarchy and the named warnings of allocatie.

Every message is Dutch (a regisseur reads it) and, for input problems, names
the file, the row (1-based data row, as a spreadsheet shows it: the header is
row 1, the first data row is row 2), the column and the offending value, and
says what would be valid.
"""

from __future__ import annotations

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

"""The one CSV reader of allocatie, for round tables and planning files alike.

Detection rule (stated for users in ``data/SCHEMA.md``, "CSV uit Excel"), decided
from the header line only:

- the header holds ``;`` and no ``,``: a *semicolon file* as Dutch Excel saves it,
  with a decimal comma (``1234,5``);
- the header holds ``,`` and no ``;``: a *comma file* with a decimal point (``1234.5``);
- the header holds neither: one column, read as a comma file;
- the header holds both: ambiguous, an error naming the file.

Either kind may be UTF-8 with or without a BOM and have ``\\n`` or ``\\r\\n`` line
ends. The reader returns every cell as text, exactly as written (stripped of
surrounding spaces): ids stay strings, nothing is converted. It records the
decimal sign in ``df.attrs`` (`allocatie.io.notatie.DECIMAALTEKEN`) so that the
column parsers read numbers by the file's own rule (`allocatie.io.notatie`).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from allocatie.io.kolommen import rijnummer
from allocatie.io.notatie import DECIMAALTEKEN
from allocatie.kern.errors import InvoerFout

__all__ = ["SCHEIDINGSTEKEN", "CsvOpmaak", "bepaal_opmaak", "controleer_kop", "lees_csv"]

#: Key in ``DataFrame.attrs`` under which `lees_csv` records the field separator.
SCHEIDINGSTEKEN = "scheidingsteken"


@dataclass(frozen=True)
class CsvOpmaak:
    """How a CSV file is written: its field separator and its decimal sign."""

    scheidingsteken: str
    decimaalteken: str

    @property
    def omschrijving(self) -> str:
        """Dutch description for messages."""
        if self.scheidingsteken == ";":
            return "puntkomma's als scheidingsteken, komma als decimaalteken"
        return "komma's als scheidingsteken, punt als decimaalteken"


KOMMABESTAND = CsvOpmaak(",", ".")
PUNTKOMMABESTAND = CsvOpmaak(";", ",")


def bepaal_opmaak(kopregel: str, bestand: str | Path | None = None) -> CsvOpmaak:
    """The kind of CSV file, decided from its header line (the rule of this module).

    Parameters
    ----------
    kopregel
        The first line of the file, without its line end.
    bestand
        The file, for the message.

    Raises
    ------
    InvoerFout
        When the header holds both a comma and a semicolon.

    Examples
    --------
    >>> bepaal_opmaak("gemeente_code;inwoners")
    CsvOpmaak(scheidingsteken=';', decimaalteken=',')
    >>> bepaal_opmaak("gemeente_code,inwoners").decimaalteken
    '.'
    >>> bepaal_opmaak("gemeente_code").scheidingsteken
    ','
    """
    komma, puntkomma = "," in kopregel, ";" in kopregel
    if komma and puntkomma:
        raise InvoerFout(
            "onduidelijk scheidingsteken: de kopregel bevat zowel komma's als puntkomma's; "
            "sla het bestand op als 'CSV UTF-8 (door komma's gescheiden)' of als Nederlandse "
            "Excel-CSV (puntkomma's), en gebruik geen komma of puntkomma in een kolomnaam",
            bestand=bestand,
            rij=1,
        )
    return PUNTKOMMABESTAND if puntkomma else KOMMABESTAND


def _is_lege_rij(record: list[str]) -> bool:
    return not any(c.strip() for c in record)


def _tekst(bestand: Path) -> str:
    if bestand.is_dir():
        raise InvoerFout("dit pad is een map, geen CSV-bestand", bestand=bestand)
    try:
        data = bestand.read_bytes()
    except FileNotFoundError as exc:
        raise InvoerFout("bestand bestaat niet; controleer het pad", bestand=bestand) from exc
    except PermissionError as exc:
        raise InvoerFout("bestand kan niet worden gelezen (geen rechten)", bestand=bestand) from exc
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        regel = data[: exc.start].count(b"\n") + 1
        raise InvoerFout(
            f"bestand is geen UTF-8 (ongeldig teken op regel {regel}); sla het op als "
            "'CSV UTF-8' (Excel: 'CSV UTF-8 (door komma's gescheiden)')",
            bestand=bestand,
        ) from exc


def controleer_kop(kop: list[str], bestand: str | Path) -> None:
    """Refuse a repeated or second empty column name in a header (any table file)."""
    eerste: dict[str, int] = {}
    for j, naam in enumerate(kop):
        if naam in eerste:
            plaats = f"als {eerste[naam] + 1}e en {j + 1}e kolom"
            if naam == "":
                raise InvoerFout(
                    f"meer dan één kolom zonder naam in de kopregel ({plaats}); geef elke kolom "
                    "een naam of verwijder de lege kolommen",
                    bestand=bestand,
                    rij=1,
                )
            raise InvoerFout(
                f"dubbele kolom in de kopregel: deze kolomnaam komt twee keer voor ({plaats}, "
                "spaties eromheen tellen niet); elke kolomnaam mag maar één keer voorkomen",
                bestand=bestand,
                rij=1,
                kolom=naam,
            )
        eerste[naam] = j


def lees_csv(pad: str | os.PathLike[str], *, kolommen: Sequence[str] = ()) -> pd.DataFrame:
    """Read a CSV file as text: one string column per header name, one row per data row.

    The :mod:`csv` module is used, not :func:`pandas.read_csv`, so that row
    numbers stay exact (pandas drops blank lines), a repeated column name is an
    error (pandas renames it silently) and no value is ever converted.

    Rules:

    - UTF-8, with or without a BOM; ``\\n`` or ``\\r\\n`` line ends; the separator
      and decimal sign follow the header line (`bepaal_opmaak`); double quotes
      around a value that holds the separator, a quote or a line break.
    - The first row is the header. Column names and values are stripped of
      surrounding spaces (``" 4 "`` reads as ``"4"``; an all-space cell as ``""``).
    - Every data row has as many fields as the header.
    - Fully blank rows at the end (e.g. ``,,,`` from a spreadsheet) are dropped;
      a blank row between data rows is an error, so data row ``i`` (0-based) is
      always spreadsheet row ``i + 2`` (`allocatie.io.kolommen.rijnummer`).

    Parameters
    ----------
    pad
        The file.
    kolommen
        Expected column names, only to say them when the file is empty.

    Returns
    -------
    pandas.DataFrame
        Object columns of ``str`` with a ``RangeIndex``; no rows if the file has
        only a header. ``attrs`` holds the decimal sign
        (`allocatie.io.notatie.DECIMAALTEKEN`) and the separator (`SCHEIDINGSTEKEN`).

    Raises
    ------
    InvoerFout
        Naming the file (and the row, and column where one is at fault): a
        missing file or a folder, not UTF-8, an empty file or blank header, a
        header with both commas and semicolons, a repeated column name, broken
        quoting, a row with another number of fields than the header, or a
        blank row between data rows.

    Examples
    --------
    >>> import tempfile
    >>> pad = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = pad.write_text("code , n\\nGM0014, 7 \\n,\\n")
    >>> lees_csv(pad).to_dict("list")
    {'code': ['GM0014'], 'n': ['7']}
    >>> _ = pad.write_bytes(b"\\xef\\xbb\\xbfcode;x\\r\\n007;1,5\\r\\n")
    >>> df = lees_csv(pad)
    >>> df.to_dict("list"), df.attrs["decimaalteken"]
    ({'code': ['007'], 'x': ['1,5']}, ',')
    """
    bestand = Path(pad)
    tekst = _tekst(bestand)
    opmaak = bepaal_opmaak(tekst.split("\n", 1)[0].rstrip("\r"), bestand)

    records: list[list[str]] = []
    try:
        records.extend(
            csv.reader(
                io.StringIO(tekst, newline=""), delimiter=opmaak.scheidingsteken, strict=True
            )
        )
    except csv.Error as exc:
        raise InvoerFout(
            f"geen geldige CSV ({exc}); controleer de aanhalingstekens",
            bestand=bestand,
            rij=len(records) + 1,
        ) from exc

    if all(_is_lege_rij(r) for r in records):
        verwacht = f" ({', '.join(kolommen)})" if kolommen else ""
        raise InvoerFout(
            f"bestand is leeg: geen kopregel; verwacht minstens een kopregel met de kolomnamen"
            f"{verwacht}",
            bestand=bestand,
        )
    if _is_lege_rij(records[0]):
        raise InvoerFout(
            "geen kopregel: de eerste rij is leeg; zet de kolomnamen op de eerste rij",
            bestand=bestand,
            rij=1,
        )
    kop = [c.strip() for c in records[0]]
    controleer_kop(kop, bestand)

    scheiding = "komma" if opmaak.scheidingsteken == "," else "puntkomma"
    rijen = records[1:]
    while rijen and _is_lege_rij(rijen[-1]):
        rijen.pop()
    for i, record in enumerate(rijen):
        if _is_lege_rij(record):
            raise InvoerFout(
                "lege rij; verwijder deze rij (een lege rij tussen de gegevens verschuift de "
                "rijnummers)",
                bestand=bestand,
                rij=rijnummer(i),
            )
        if len(record) != len(kop):
            meer = len(record) > len(kop)
            if meer and _is_lege_rij(record[len(kop) :]):
                soort = f"meer velden dan de kopregel; een {scheiding} te veel aan het eind?"
            else:
                soort = f"{'meer' if meer else 'minder'} velden dan de kopregel"
            raise InvoerFout(
                f"deze rij heeft {len(record)} velden, de kopregel heeft er {len(kop)} ({soort}); "
                f"controleer de scheidingstekens ({opmaak.omschrijving}, bepaald uit de "
                "kopregel) en de aanhalingstekens",
                bestand=bestand,
                rij=rijnummer(i),
            )
    df = pd.DataFrame(
        {naam: pd.Series([r[j].strip() for r in rijen], dtype=object) for j, naam in enumerate(kop)}
    )
    df.attrs[DECIMAALTEKEN] = opmaak.decimaalteken
    df.attrs[SCHEIDINGSTEKEN] = opmaak.scheidingsteken
    return df

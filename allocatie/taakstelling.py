"""The taakstelling: each gemeente's legal share of the national number *vg*.

Huisvestingswet 2014, art. 28: every half-year the Minister fixes a national
number *vg* of vergunninghouders (persons) and each gemeente must house

    taakstelling_g = ceil(vg * inwoners_g / inwoners_NL)

with the CBS population on 1 January of the year before the period's year.
Rounding up makes the sum exceed *vg* slightly; that surplus is reported.
Achterstand (arrears) and voorsprong (advance) carry over to the next period.

All arithmetic is exact integer arithmetic on Python ints: no float is ever
involved, so the result is right for any input size (``vg * inwoners`` can be
far beyond 2**53 without harm).

CSV readers take everything as text and parse it themselves, so nothing is
silently changed: ``12.5``, ``1e3``, ``12.500`` or an empty cell are errors,
not truncated or guessed. Surrounding spaces are stripped and fully empty rows
are skipped. Errors are :class:`~allocatie.errors.InvoerFout` with a Dutch
message naming the file, the row (as a spreadsheet shows it: header = row 1),
the column and the value, and saying what would be valid. Tables passed as
DataFrames are checked the same way; their row numbers count as if the table
were saved as CSV (first row = 2), and the "file" is ``df.attrs["bestand"]``
when set (the readers set it), else the table's name.
"""

from __future__ import annotations

import csv
import logging
import os
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from allocatie.errors import InvoerFout

__all__ = [
    "KOLOMMEN_INWONERS",
    "KOLOMMEN_TAAKSTELLING",
    "TaakstellingUitkomst",
    "bereken_taakstelling",
    "gecorrigeerde_taakstelling",
    "lees_inwoners",
    "lees_vorige",
    "pas_overloop_toe",
]

logger = logging.getLogger(__name__)

KOLOMMEN_INWONERS: tuple[str, ...] = ("gemeente_code", "gemeente_naam", "inwoners")
"""Columns of the CBS population table."""

KOLOMMEN_TAAKSTELLING: tuple[str, ...] = (
    "gemeente_code",
    "taakstelling",
    "achterstand",
    "voorsprong",
    "gerealiseerd",
)
"""Columns of a round's ``taakstelling.csv`` (see ``data/SCHEMA.md``)."""

_OVERLOOP = ("achterstand", "voorsprong", "gerealiseerd")
_CODE = re.compile(r"GM[0-9]{4}")
_CIJFERS = re.compile(r"[0-9]+")
_TEKST_GEHEEL = (
    "gebruik alleen cijfers, zonder decimalen, exponent of scheidingstekens (bijv. 243768)"
)

PadLike = str | os.PathLike[str]


# --------------------------------------------------------------------------- CSV reading


def _int_kolom(waarden: list[int]) -> pd.Series:
    """A column of whole numbers: int64 when they fit, else exact Python ints (object)."""
    past = all(-(2**63) <= w < 2**63 for w in waarden)
    return pd.Series(waarden, dtype="int64" if past else object)


def _lees_csv(
    pad: PadLike, verplicht: tuple[str, ...], optioneel: tuple[str, ...] = ()
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Read a CSV as text: the header and ``(spreadsheet row, {column: value})`` per row.

    The :mod:`csv` module is used instead of :func:`pandas.read_csv` so that row
    numbers stay exact (pandas drops blank lines) and a repeated column name is
    an error (pandas renames it silently).
    """
    bestand = Path(pad)
    verwacht = ", ".join([*verplicht, *(f"{k} (optioneel)" for k in optioneel)])
    try:
        with open(bestand, encoding="utf-8-sig", newline="") as f:
            lezer = csv.reader(f)
            records: list[list[str]] = []
            try:
                records.extend(lezer)
            except csv.Error as e:
                raise InvoerFout(
                    f"het bestand is geen geldige CSV ({e}); controleer de aanhalingstekens",
                    bestand=bestand,
                    rij=len(records) + 1,
                ) from e
    except FileNotFoundError as e:
        raise InvoerFout("het bestand bestaat niet; controleer het pad", bestand=bestand) from e
    except IsADirectoryError as e:
        raise InvoerFout("dit pad is een map, geen CSV-bestand", bestand=bestand) from e
    except PermissionError as e:
        raise InvoerFout(
            "het bestand kan niet worden gelezen (geen rechten)", bestand=bestand
        ) from e
    except UnicodeDecodeError as e:
        raise InvoerFout(
            "het bestand is geen UTF-8-tekst; sla het op als 'CSV UTF-8 (door komma's gescheiden)'",
            bestand=bestand,
        ) from e

    if not records or not any(c.strip() for c in records[0]):
        raise InvoerFout(
            f"het bestand heeft geen kopregel; verwacht de kolommen {verwacht}", bestand=bestand
        )
    kop = [c.strip() for c in records[0]]
    for i, naam in enumerate(kop):
        if naam in kop[:i]:
            raise InvoerFout(
                "deze kolomnaam komt twee keer voor in de kopregel; "
                "elke kolom mag één keer voorkomen",
                bestand=bestand,
                rij=1,
                kolom=naam,
            )
    for naam in verplicht:
        if naam not in kop:
            hint = (
                " Het bestand lijkt puntkomma's als scheidingsteken te gebruiken; gebruik komma's."
                if any(";" in c for c in kop)
                else ""
            )
            raise InvoerFout(
                f"de verplichte kolom '{naam}' ontbreekt; verwacht de kolommen {verwacht}, "
                f"gevonden: {', '.join(kop)}.{hint}",
                bestand=bestand,
                rij=1,
                kolom=naam,
            )
    rijen: list[tuple[int, dict[str, str]]] = []
    for rij, record in enumerate(records[1:], start=2):
        if not any(c.strip() for c in record):
            continue  # a fully empty row (e.g. trailing ",,," from a spreadsheet)
        if len(record) != len(kop):
            raise InvoerFout(
                f"deze rij heeft {len(record)} velden, de kopregel heeft er {len(kop)}; "
                "controleer komma's en aanhalingstekens",
                bestand=bestand,
                rij=rij,
            )
        rijen.append((rij, {k: v.strip() for k, v in zip(kop, record, strict=True)}))
    return kop, rijen


def _tekst_naar_geheel(
    waarde: str, *, bestand: str | Path, rij: int, kolom: str, minimum: int
) -> int:
    """Parse a whole number ``>= minimum`` from text, or raise InvoerFout."""
    eis = "groter dan 0" if minimum == 1 else f"groter dan of gelijk aan {minimum}"
    if waarde == "":
        raise InvoerFout(
            f"de waarde ontbreekt; vul een geheel getal {eis} in",
            bestand=bestand,
            rij=rij,
            kolom=kolom,
        )
    negatief = waarde.startswith("-") and _CIJFERS.fullmatch(waarde[1:]) is not None
    if not negatief and _CIJFERS.fullmatch(waarde) is None:
        raise InvoerFout(
            f"geen geheel getal; {_TEKST_GEHEEL}",
            bestand=bestand,
            rij=rij,
            kolom=kolom,
            waarde=waarde,
        )
    getal = int(waarde)
    if getal < minimum:
        raise InvoerFout(
            f"het getal moet {eis} zijn", bestand=bestand, rij=rij, kolom=kolom, waarde=waarde
        )
    return getal


def _controleer_code(code: str, *, bestand: str | Path, rij: int, codes: dict[str, int]) -> None:
    """Check the CBS code format and uniqueness; record the row of a new code."""
    if _CODE.fullmatch(code) is None:
        raise InvoerFout(
            "ongeldige gemeentecode; een CBS-gemeentecode is 'GM' gevolgd door 4 cijfers "
            "(bijv. GM0014)",
            bestand=bestand,
            rij=rij,
            kolom="gemeente_code",
            waarde=code,
        )
    if code in codes:
        raise InvoerFout(
            f"deze gemeentecode staat ook al op rij {codes[code]}; elke gemeente mag één keer "
            "voorkomen",
            bestand=bestand,
            rij=rij,
            kolom="gemeente_code",
            waarde=code,
        )
    codes[code] = rij


def lees_inwoners(pad: PadLike) -> pd.DataFrame:
    """Read and validate a CBS population table.

    Parameters
    ----------
    pad
        CSV (UTF-8, comma-separated) with the columns ``gemeente_code``
        (``GM`` + 4 digits, unique), ``gemeente_naam`` (not empty) and
        ``inwoners`` (whole number > 0). Other columns are ignored.

    Returns
    -------
    pandas.DataFrame
        Columns ``gemeente_code``, ``gemeente_naam``, ``inwoners`` (int) in file
        order; ``attrs["bestand"]`` holds the path.

    Raises
    ------
    InvoerFout
        On a missing file or column, a malformed or repeated code, an empty
        name, or an ``inwoners`` value that is missing, not a whole number or
        not positive; also when the file holds no gemeenten.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> pad = Path(tempfile.mkdtemp()) / "inwoners.csv"
    >>> _ = pad.write_text("gemeente_code,gemeente_naam,inwoners\\nGM0014,Groningen,243768\\n")
    >>> lees_inwoners(pad)
      gemeente_code gemeente_naam  inwoners
    0        GM0014     Groningen    243768
    """
    bestand = Path(pad)
    _, rijen = _lees_csv(bestand, KOLOMMEN_INWONERS)
    if not rijen:
        raise InvoerFout("het bestand bevat geen gemeenten (alleen een kopregel)", bestand=bestand)
    codes: dict[str, int] = {}
    namen: list[str] = []
    aantallen: list[int] = []
    for rij, r in rijen:
        _controleer_code(r["gemeente_code"], bestand=bestand, rij=rij, codes=codes)
        if r["gemeente_naam"] == "":
            raise InvoerFout(
                "de gemeentenaam ontbreekt; vul de naam van de gemeente in",
                bestand=bestand,
                rij=rij,
                kolom="gemeente_naam",
            )
        namen.append(r["gemeente_naam"])
        aantallen.append(
            _tekst_naar_geheel(r["inwoners"], bestand=bestand, rij=rij, kolom="inwoners", minimum=1)
        )
    df = pd.DataFrame(
        {"gemeente_code": list(codes), "gemeente_naam": namen, "inwoners": _int_kolom(aantallen)}
    )
    df.attrs["bestand"] = str(pad)
    logger.info("%d gemeenten gelezen uit %s (%d inwoners)", len(df), pad, sum(aantallen))
    return df


def lees_vorige(pad: PadLike) -> pd.DataFrame:
    """Read and validate the previous period's taakstelling table.

    Parameters
    ----------
    pad
        CSV with ``gemeente_code`` and ``taakstelling`` and optionally
        ``achterstand``, ``voorsprong``, ``gerealiseerd`` (a missing optional
        column counts as 0; a present one must be filled in every row). All
        numbers are whole numbers >= 0; a gemeente cannot have both achterstand
        and voorsprong. Other columns are ignored.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`KOLOMMEN_TAAKSTELLING` (ints) in file order;
        ``attrs["bestand"]`` holds the path.

    Raises
    ------
    InvoerFout
        On any invalid file, column, code or number (see module notes).
    """
    bestand = Path(pad)
    kop, rijen = _lees_csv(bestand, KOLOMMEN_TAAKSTELLING[:2], _OVERLOOP)
    if "gerealiseerd" not in kop:
        logger.warning("%s heeft geen kolom 'gerealiseerd': gerealiseerd telt als 0", pad)
    codes: dict[str, int] = {}
    getallen: dict[str, list[int]] = {k: [] for k in KOLOMMEN_TAAKSTELLING[1:]}
    for rij, r in rijen:
        _controleer_code(r["gemeente_code"], bestand=bestand, rij=rij, codes=codes)
        for kolom, lijst in getallen.items():
            lijst.append(
                _tekst_naar_geheel(r[kolom], bestand=bestand, rij=rij, kolom=kolom, minimum=0)
                if kolom in kop
                else 0
            )
        if getallen["achterstand"][-1] > 0 and getallen["voorsprong"][-1] > 0:
            raise InvoerFout(
                "een gemeente heeft niet tegelijk achterstand en voorsprong; vul het saldo in "
                "één van beide kolommen in en zet de andere op 0",
                bestand=bestand,
                rij=rij,
                kolom="voorsprong",
                waarde=r["voorsprong"],
            )
    df = pd.DataFrame(
        {"gemeente_code": pd.Series(list(codes), dtype=str)}
        | {k: _int_kolom(v) for k, v in getallen.items()}
    )
    df.attrs["bestand"] = str(pad)
    return df


# --------------------------------------------------------------------------- DataFrame checks


def _bron(df: pd.DataFrame, naam: str) -> str:
    return str(df.attrs.get("bestand", naam))


def _vereis_kolommen(df: pd.DataFrame, kolommen: tuple[str, ...], bron: str) -> None:
    for kolom in kolommen:
        if kolom not in df.columns:
            raise InvoerFout(
                f"de kolom '{kolom}' ontbreekt; verwacht de kolommen {', '.join(kolommen)}",
                bestand=bron,
                kolom=kolom,
            )


def _codes(df: pd.DataFrame, bron: str) -> list[str]:
    codes: dict[str, int] = {}
    for i, code in enumerate(df["gemeente_code"]):
        tekst = code if isinstance(code, str) else repr(code)  # a non-text code is invalid
        _controleer_code(tekst, bestand=bron, rij=i + 2, codes=codes)
    return list(codes)


def _gehele_waarden(df: pd.DataFrame, kolom: str, bron: str, minimum: int) -> list[int]:
    """The column as Python ints; every value must be a whole number ``>= minimum``."""
    waarden: list[int] = []
    for i, w in enumerate(df[kolom]):
        if w is None or w is pd.NA or (isinstance(w, float) and w != w):
            raise InvoerFout(
                "de waarde ontbreekt; vul een geheel getal in", bestand=bron, rij=i + 2, kolom=kolom
            )
        if isinstance(w, bool | np.bool_) or not isinstance(w, int | np.integer):
            raise InvoerFout(
                f"geen geheel getal (type {type(w).__name__}); de kolom moet gehele getallen "
                "bevatten (int), geen kommagetallen of tekst",
                bestand=bron,
                rij=i + 2,
                kolom=kolom,
                waarde=w,
            )
        if w < minimum:
            eis = "groter dan 0" if minimum == 1 else f"groter dan of gelijk aan {minimum}"
            raise InvoerFout(
                f"het getal moet {eis} zijn", bestand=bron, rij=i + 2, kolom=kolom, waarde=int(w)
            )
        waarden.append(int(w))
    return waarden


def _geheel_argument(waarde: object, naam: str, minimum: int) -> int:
    if isinstance(waarde, bool | np.bool_) or not isinstance(waarde, int | np.integer):
        raise InvoerFout(
            f"{naam} moet een geheel getal zijn (aantal personen), niet {type(waarde).__name__}",
            waarde=waarde,
        )
    if waarde < minimum:
        raise InvoerFout(f"{naam} moet minstens {minimum} zijn", waarde=int(waarde))
    return int(waarde)


# --------------------------------------------------------------------------- computation


@dataclass(frozen=True, eq=False)
class TaakstellingUitkomst:
    """Result of :func:`bereken_taakstelling`.

    Attributes
    ----------
    tabel
        Columns ``gemeente_code``, ``gemeente_naam``, ``inwoners``,
        ``taakstelling``, in input order.
    vg
        The national number of persons.
    inwoners_nl
        The national population used as denominator.
    totaal
        Sum of the taakstellingen in ``tabel``.
    exact_aandeel
        The table's exact (unrounded) share ``vg * sum(inwoners) / inwoners_nl``,
        equal to ``vg`` when the table is the whole country.
    overschot
        Persons added by rounding up: ``totaal - exact_aandeel``, always an exact
        :class:`~fractions.Fraction` with ``0 <= overschot < len(tabel)``. For the
        whole country it is the whole number ``totaal - vg``; for a subset (e.g.
        one province) it is the surplus relative to the subset's exact share and
        may be a fraction (use ``float(overschot)`` to display it).
    """

    tabel: pd.DataFrame
    vg: int
    inwoners_nl: int
    totaal: int
    exact_aandeel: Fraction
    overschot: Fraction

    @property
    def landelijk(self) -> bool:
        """Whether the table covers the whole country (its population is ``inwoners_nl``)."""
        return int(sum(int(n) for n in self.tabel["inwoners"])) == self.inwoners_nl


def bereken_taakstelling(
    inwoners: pd.DataFrame, vg: int, inwoners_nl: int | None = None
) -> TaakstellingUitkomst:
    """Compute every gemeente's taakstelling ``ceil(vg * inwoners_g / inwoners_nl)``.

    Exact integer arithmetic (``-(-vg * inwoners_g // inwoners_nl)``); no floats.

    Parameters
    ----------
    inwoners
        Columns ``gemeente_code``, ``gemeente_naam``, ``inwoners`` (whole
        numbers > 0), e.g. from :func:`lees_inwoners`.
    vg
        The national number of vergunninghouders (persons), a whole number >= 0.
    inwoners_nl
        National population. Defaults to the sum of ``inwoners`` (the table is
        the whole country). Pass the official CBS figure when the table is a
        subset; it must be at least the table's sum.

    Returns
    -------
    TaakstellingUitkomst

    Raises
    ------
    InvoerFout
        On an invalid table, ``vg`` or ``inwoners_nl``.

    Examples
    --------
    Three gemeenten, 1,000 inhabitants, vg = 15: the exact shares are
    15*100/1000 = 1.5, 15*200/1000 = 3 and 15*700/1000 = 10.5, rounded up to
    2, 3 and 11; together 16, one person more than vg.

    >>> df = pd.DataFrame({"gemeente_code": ["GM0001", "GM0002", "GM0003"],
    ...                    "gemeente_naam": ["A", "B", "C"], "inwoners": [100, 200, 700]})
    >>> u = bereken_taakstelling(df, vg=15)
    >>> u.tabel["taakstelling"].tolist(), u.totaal, u.overschot
    ([2, 3, 11], 16, Fraction(1, 1))

    The same gemeenten as part of a country of 3,000 inhabitants:

    >>> u = bereken_taakstelling(df, vg=15, inwoners_nl=3000)
    >>> u.tabel["taakstelling"].tolist(), u.exact_aandeel, u.overschot
    ([1, 1, 4], Fraction(5, 1), Fraction(1, 1))
    """
    bron = _bron(inwoners, "inwoners")
    _vereis_kolommen(inwoners, KOLOMMEN_INWONERS, bron)
    vg = _geheel_argument(vg, "vg", 0)
    if len(inwoners) == 0:
        raise InvoerFout("de tabel met inwoners bevat geen gemeenten", bestand=bron)
    codes = _codes(inwoners, bron)
    aantallen = _gehele_waarden(inwoners, "inwoners", bron, minimum=1)
    som = sum(aantallen)
    if inwoners_nl is None:
        totaal_nl = som
    else:
        totaal_nl = _geheel_argument(inwoners_nl, "inwoners_nl", 1)
        if totaal_nl < som:
            raise InvoerFout(
                f"inwoners_nl ({totaal_nl}) is kleiner dan de som van de inwoners in de tabel "
                f"({som}); geef het landelijke inwonertal op (CBS, 1 januari van het jaar vóór "
                "de periode) of laat het weg om de som van de tabel te gebruiken",
                waarde=totaal_nl,
            )
    taken = [-(-vg * n // totaal_nl) for n in aantallen]
    tabel = pd.DataFrame(
        {
            "gemeente_code": codes,
            "gemeente_naam": list(inwoners["gemeente_naam"]),
            "inwoners": _int_kolom(aantallen),
            "taakstelling": _int_kolom(taken),
        }
    )
    totaal = sum(taken)
    exact = Fraction(vg * som, totaal_nl)
    uitkomst = TaakstellingUitkomst(
        tabel=tabel,
        vg=vg,
        inwoners_nl=totaal_nl,
        totaal=totaal,
        exact_aandeel=exact,
        overschot=totaal - exact,
    )
    logger.info(
        "taakstelling: %d gemeenten, vg=%d, som=%d, overschot=%s",
        len(tabel),
        vg,
        totaal,
        uitkomst.overschot,
    )
    return uitkomst


def pas_overloop_toe(taak: pd.DataFrame, vorige: pd.DataFrame) -> pd.DataFrame:
    """Carry the previous period's achterstand / voorsprong over to a new taakstelling.

    Per gemeente the previous period's balance is
    ``saldo = taakstelling + achterstand - voorsprong - gerealiseerd``;
    a positive balance becomes the new ``achterstand``, a negative one the new
    ``voorsprong`` (never both). ``gerealiseerd`` starts at 0.

    Parameters
    ----------
    taak
        The new period: ``gemeente_code`` and ``taakstelling`` (e.g.
        ``bereken_taakstelling(...).tabel``; other columns are ignored, but
        non-zero ``achterstand``/``voorsprong``/``gerealiseerd`` are refused
        because they would be lost).
    vorige
        The previous period, as from :func:`lees_vorige`: ``gemeente_code``,
        ``taakstelling`` and optionally ``achterstand``, ``voorsprong``,
        ``gerealiseerd`` (missing = 0), whole numbers >= 0.

    Returns
    -------
    pandas.DataFrame
        A round's ``taakstelling.csv`` table (:data:`KOLOMMEN_TAAKSTELLING`),
        in the order of ``taak``. A gemeente absent from ``vorige`` gets no
        carry-over.

    Raises
    ------
    InvoerFout
        When ``vorige`` holds a gemeente that is not in ``taak`` (for example
        one merged away in a herindeling): its balance would be lost. Add it to
        the new gemeente's row in ``vorige`` first. Also on invalid tables.

    Examples
    --------
    >>> taak = pd.DataFrame({"gemeente_code": ["GM0001", "GM0002", "GM0003"],
    ...                      "taakstelling": [10, 20, 30]})
    >>> vorige = pd.DataFrame({"gemeente_code": ["GM0001", "GM0002"],
    ...                        "taakstelling": [8, 15], "achterstand": [2, 0],
    ...                        "gerealiseerd": [4, 18]})
    >>> pas_overloop_toe(taak, vorige)
      gemeente_code  taakstelling  achterstand  voorsprong  gerealiseerd
    0        GM0001            10            6           0             0
    1        GM0002            20            0           3             0
    2        GM0003            30            0           0             0
    """
    bron_t, bron_v = _bron(taak, "taakstelling"), _bron(vorige, "vorige periode")
    _vereis_kolommen(taak, KOLOMMEN_TAAKSTELLING[:2], bron_t)
    _vereis_kolommen(vorige, KOLOMMEN_TAAKSTELLING[:2], bron_v)
    codes = _codes(taak, bron_t)
    taken = _gehele_waarden(taak, "taakstelling", bron_t, minimum=0)
    for kolom in _OVERLOOP:
        if kolom in taak.columns and any(_gehele_waarden(taak, kolom, bron_t, minimum=0)):
            raise InvoerFout(
                f"de nieuwe taakstelling heeft al waarden in kolom '{kolom}'; pas de overloop toe "
                "op een taakstelling zonder achterstand, voorsprong en realisatie",
                bestand=bron_t,
                kolom=kolom,
            )

    codes_v = _codes(vorige, bron_v)
    kolommen_v = {
        k: _gehele_waarden(vorige, k, bron_v, minimum=0)
        if k in vorige.columns
        else [0] * len(vorige)
        for k in KOLOMMEN_TAAKSTELLING[1:]
    }
    bekend = set(codes)
    weg = [(i, c) for i, c in enumerate(codes_v) if c not in bekend]
    if weg:
        namen = ", ".join(c for _, c in weg)
        raise InvoerFout(
            f"{len(weg)} gemeente(n) uit de vorige periode ontbreken in de nieuwe taakstelling: "
            f"{namen}. Hun achterstand of voorsprong zou verloren gaan. Is de gemeente "
            "opgeheven bij een herindeling? Tel dan haar taakstelling, achterstand, voorsprong "
            "en realisatie op bij de nieuwe gemeente in het bestand van de vorige periode; "
            "anders ontbreekt de gemeente ten onrechte in de inwonerstabel.",
            bestand=bron_v,
            rij=weg[0][0] + 2,
            kolom="gemeente_code",
            waarde=weg[0][1],
        )

    saldo: dict[str, int] = {}
    for i, code in enumerate(codes_v):
        t, a, v, g = (kolommen_v[k][i] for k in KOLOMMEN_TAAKSTELLING[1:])
        if a > 0 and v > 0:
            raise InvoerFout(
                "een gemeente heeft niet tegelijk achterstand en voorsprong; vul het saldo in "
                "één van beide kolommen in en zet de andere op 0",
                bestand=bron_v,
                rij=i + 2,
                kolom="voorsprong",
                waarde=v,
            )
        saldo[code] = t + a - v - g
    netto = [saldo.get(c, 0) for c in codes]
    return pd.DataFrame(
        {
            "gemeente_code": pd.Series(codes, dtype=str),
            "taakstelling": _int_kolom(taken),
            "achterstand": _int_kolom([max(s, 0) for s in netto]),
            "voorsprong": _int_kolom([max(-s, 0) for s in netto]),
            "gerealiseerd": _int_kolom([0] * len(codes)),
        }
    )


def gecorrigeerde_taakstelling(taak: pd.DataFrame) -> pd.Series:
    """The corrected task ``taakstelling + achterstand - voorsprong`` per row.

    Missing ``achterstand`` / ``voorsprong`` columns count as 0. The result
    can be negative when the voorsprong exceeds the new taakstelling.

    Examples
    --------
    >>> df = pd.DataFrame({"taakstelling": [10, 5], "achterstand": [3, 0],
    ...                    "voorsprong": [0, 7]})
    >>> gecorrigeerde_taakstelling(df).tolist()
    [13, -2]
    """
    bron = _bron(taak, "taakstelling")
    _vereis_kolommen(taak, ("taakstelling",), bron)
    uitkomst = pd.Series(
        _gehele_waarden(taak, "taakstelling", bron, minimum=0), index=taak.index, dtype="int64"
    )
    for kolom, teken in (("achterstand", 1), ("voorsprong", -1)):
        if kolom in taak.columns:
            uitkomst += teken * pd.Series(
                _gehele_waarden(taak, kolom, bron, minimum=0), index=taak.index, dtype="int64"
            )
    return uitkomst.rename("gecorrigeerd")

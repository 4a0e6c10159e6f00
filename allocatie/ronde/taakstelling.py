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

CSV files are read as text by :func:`allocatie.io.lezen.lees_csv` and parsed by
the shared column parsers of :mod:`allocatie.io.kolommen`, so nothing is
silently changed: ``12.5``, ``1e3``, ``12.500`` or an empty cell are errors, not
truncated or guessed. Surrounding spaces are stripped and blank rows at the end
are dropped; a blank row between data rows is an error (it would shift the row
numbers). Errors are :class:`~allocatie.kern.errors.InvoerFout` with a Dutch
message naming the file, the row (as a spreadsheet shows it: header = row 1),
the column and the value, and saying what would be valid. Tables passed as
DataFrames are checked the same way (numbers as ints or as text in digits;
floats are refused because they may have lost digits); their row numbers count
as if the table were saved as CSV (first row = 2), and the "file" is
``df.attrs["bestand"]`` when set (the readers set it), else the table's name.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from allocatie.io import kolommen as k
from allocatie.io.lezen import lees_csv
from allocatie.io.schema import controleer_kolommen
from allocatie.kern.errors import InvoerFout

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

PadLike = str | os.PathLike[str]


# --------------------------------------------------------------------------- columns


def _int_kolom(waarden: list[int] | np.ndarray) -> pd.Series:
    """A column of whole numbers: int64 when they fit, else exact Python ints (object)."""
    waarden = [int(w) for w in waarden]
    past = all(-(2**63) <= w < 2**63 for w in waarden)
    return pd.Series(waarden, dtype="int64" if past else object)


def _bron(df: pd.DataFrame, naam: str) -> str:
    return str(df.attrs.get("bestand", naam))


def _aantallen(df: pd.DataFrame, kolom: str, bron: str, minimum: int = 0) -> list[int]:
    """A required column of whole numbers ``>= minimum`` as exact Python ints."""
    return k.geheel(df, kolom, bron, minimum=minimum, exact=True).tolist()


def _overloop(df: pd.DataFrame, bron: str) -> dict[str, list[int]]:
    """``taakstelling`` and the carry-over columns as Python ints; a missing one is 0.

    A present carry-over column must be filled in every row (an empty cell is
    an error, not 0); a gemeente cannot have both achterstand and voorsprong.
    """
    getallen = {
        kolom: _aantallen(df, kolom, bron) if kolom in df.columns else [0] * len(df)
        for kolom in KOLOMMEN_TAAKSTELLING[1:]
    }
    for i, (a, v) in enumerate(zip(getallen["achterstand"], getallen["voorsprong"], strict=True)):
        if a > 0 and v > 0:
            raise InvoerFout(
                "een gemeente heeft niet tegelijk achterstand en voorsprong; vul het saldo in "
                "één van beide kolommen in en zet de andere op 0",
                bestand=bron,
                rij=k.rijnummer(i),
                kolom="voorsprong",
                waarde=df["voorsprong"].tolist()[i],  # as given: text from a CSV
            )
    return getallen


# --------------------------------------------------------------------------- CSV reading


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
        not positive; also when the file holds no gemeenten (see
        :func:`~allocatie.io.lezen.lees_csv` for the file's own rules).

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
    bron = str(pad)
    df = lees_csv(pad, kolommen=KOLOMMEN_INWONERS)
    controleer_kolommen(df, "inwoners", bron)
    k.eis_kolommen(df, KOLOMMEN_INWONERS, bron)
    if len(df) == 0:
        raise InvoerFout("het bestand bevat geen gemeenten (alleen een kopregel)", bestand=bron)
    codes = k.gemeentecodes(df, "gemeente_code", bron)
    namen = k.tekst(df, "gemeente_naam", bron, vrij=True)
    aantallen = _aantallen(df, "inwoners", bron, minimum=1)
    uit = pd.DataFrame(
        {
            "gemeente_code": codes.tolist(),
            "gemeente_naam": namen.tolist(),
            "inwoners": _int_kolom(aantallen),
        }
    )
    uit.attrs["bestand"] = bron
    logger.info("%d gemeenten gelezen uit %s (%d inwoners)", len(uit), pad, sum(aantallen))
    return uit


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
    bron = str(pad)
    df = lees_csv(
        pad, kolommen=[*KOLOMMEN_TAAKSTELLING[:2], *(f"{o} (optioneel)" for o in _OVERLOOP)]
    )
    controleer_kolommen(df, "taakstelling", bron)
    k.eis_kolommen(df, KOLOMMEN_TAAKSTELLING[:2], bron, optioneel=_OVERLOOP)
    if "gerealiseerd" not in df.columns:
        logger.warning("%s heeft geen kolom 'gerealiseerd': gerealiseerd telt als 0", pad)
    codes = k.gemeentecodes(df, "gemeente_code", bron)
    getallen = _overloop(df, bron)
    uit = pd.DataFrame(
        {"gemeente_code": pd.Series(codes.tolist(), dtype=str)}
        | {kolom: _int_kolom(w) for kolom, w in getallen.items()}
    )
    uit.attrs["bestand"] = bron
    return uit


# --------------------------------------------------------------------------- arguments


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
    k.eis_kolommen(inwoners, KOLOMMEN_INWONERS, bron)
    vg = _geheel_argument(vg, "vg", 0)
    if len(inwoners) == 0:
        raise InvoerFout("de tabel met inwoners bevat geen gemeenten", bestand=bron)
    codes = k.gemeentecodes(inwoners, "gemeente_code", bron).tolist()
    aantallen = _aantallen(inwoners, "inwoners", bron, minimum=1)
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
    k.eis_kolommen(taak, KOLOMMEN_TAAKSTELLING[:2], bron_t)
    k.eis_kolommen(vorige, KOLOMMEN_TAAKSTELLING[:2], bron_v, optioneel=_OVERLOOP)
    codes = k.gemeentecodes(taak, "gemeente_code", bron_t).tolist()
    taken = _aantallen(taak, "taakstelling", bron_t)
    for kolom in _OVERLOOP:
        if kolom in taak.columns and any(_aantallen(taak, kolom, bron_t)):
            raise InvoerFout(
                f"de nieuwe taakstelling heeft al waarden in kolom '{kolom}'; pas de overloop toe "
                "op een taakstelling zonder achterstand, voorsprong en realisatie",
                bestand=bron_t,
                kolom=kolom,
            )

    codes_v = k.gemeentecodes(vorige, "gemeente_code", bron_v).tolist()
    kolommen_v = _overloop(vorige, bron_v)
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
            rij=k.rijnummer(weg[0][0]),
            kolom="gemeente_code",
            waarde=weg[0][1],
        )

    saldo: dict[str, int] = {}
    for i, code in enumerate(codes_v):
        t, a, v, g = (kolommen_v[kolom][i] for kolom in KOLOMMEN_TAAKSTELLING[1:])
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
    k.eis_kolommen(taak, ("taakstelling",), bron)
    uitkomst = pd.Series(_aantallen(taak, "taakstelling", bron), index=taak.index, dtype="int64")
    for kolom, teken in (("achterstand", 1), ("voorsprong", -1)):
        if kolom in taak.columns:
            uitkomst += teken * pd.Series(
                _aantallen(taak, kolom, bron), index=taak.index, dtype="int64"
            )
    return uitkomst.rename("gecorrigeerd")

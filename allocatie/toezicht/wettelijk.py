"""Legal inputs that change over time: population year, revisions, mergers, art. 30.

- `controleer_peiljaar`: the taakstelling of a half-year uses the CBS population
  on 1 January of the year before the period's year (Huisvestingswet 2014,
  art. 28); another date is refused unless the user gives a reason.
- `Herindelingen`: a mapping of gemeente codes across years, so that figures of
  abolished gemeenten follow their successor.
- `inwoners_voor_periode`: the population table of a half-year in that
  half-year's gemeenten: CBS figures of merged gemeenten summed, or the figure
  the province set (art. 30).
- `taakstelling_met_herziening`: the taakstelling under the original and the
  revised national number.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from allocatie.io import kolommen as k
from allocatie.kern.errors import AllocatieWaarschuwing, InvoerFout
from allocatie.kern.periode import Periode
from allocatie.ronde.taakstelling import bereken_taakstelling

__all__ = [
    "Herindelingen",
    "PeiljaarWaarschuwing",
    "controleer_peiljaar",
    "inwoners_voor_periode",
    "taakstelling_met_herziening",
    "verwacht_peildatum",
]

logger = logging.getLogger(__name__)


class PeiljaarWaarschuwing(AllocatieWaarschuwing):
    """The population date differs from the legal one and the user gave a reason."""


def verwacht_peildatum(periode: str | Periode) -> dt.date:
    """1 January of the year before the period's year (Huisvestingswet 2014, art. 28).

    Examples
    --------
    >>> verwacht_peildatum("2025-I"), verwacht_peildatum("2025-II")
    (datetime.date(2024, 1, 1), datetime.date(2024, 1, 1))
    """
    p = periode if isinstance(periode, Periode) else Periode.parse(periode)
    return dt.date(p.start.year - 1, 1, 1)


def controleer_peiljaar(
    periode: str | Periode,
    peildatum: dt.date,
    *,
    afwijking: str | None = None,
    bron: str | None = None,
    kolom: str = "inwoners_peildatum",
) -> None:
    """Refuse a population figure of the wrong date, unless a reason is given.

    Parameters
    ----------
    periode
        The half-year of the taakstelling.
    peildatum
        The date of the CBS population figures used.
    afwijking
        The reason to deviate (e.g. "CBS-cijfers 2024 nog niet definitief");
        with it a mismatch is a `PeiljaarWaarschuwing`, not an error.
    bron, kolom
        File and key (or option) for the message.

    Examples
    --------
    >>> controleer_peiljaar("2025-I", dt.date(2024, 1, 1))
    >>> controleer_peiljaar("2025-I", dt.date(2025, 1, 1))
    Traceback (most recent call last):
    ...
    allocatie.kern.errors.InvoerFout: ... verwacht 01-01-2024 ...
    """
    p = periode if isinstance(periode, Periode) else Periode.parse(periode)
    verwacht = verwacht_peildatum(p)
    if peildatum == verwacht:
        return
    bericht = (
        f"de inwonertallen zijn van {peildatum:%d-%m-%Y}, maar de taakstelling van "
        f"{p.label} rekent met de inwoners op 1 januari van het jaar vóór de periode: "
        f"verwacht {verwacht:%d-%m-%Y} (Huisvestingswet 2014, art. 28)"
    )
    if afwijking is None or not afwijking.strip():
        raise InvoerFout(
            bericht + "; gebruik de juiste inwonertallen, of geef de reden om af te wijken op "
            "(--afwijkend-peiljaar, of afwijkend_peiljaar in toezicht.toml)",
            bestand=bron,
            kolom=kolom,
            waarde=peildatum.isoformat(),
        )
    warnings.warn(
        PeiljaarWaarschuwing(f"{bericht}; afgeweken met als reden: {afwijking.strip()}"),
        stacklevel=2,
    )


@dataclass(frozen=True)
class Herindelingen:
    """A mapping of gemeente codes across mergers (herindelingen).

    Attributes
    ----------
    tabel
        One row per abolished gemeente: ``ingangsdatum``, ``oude_code``,
        ``nieuwe_code``, ``nieuwe_naam`` (e.g. from
        `allocatie.toezicht.invoer.lees_herindelingen`). A merger takes effect
        at the start of a half-year (1 January or 1 July). A code is abolished
        once (a split over several gemeenten is not supported); chains
        (A -> B, later B -> C) are followed.

    Examples
    --------
    >>> h = Herindelingen.maak(pd.DataFrame({
    ...     "ingangsdatum": [dt.date(2026, 1, 1)] * 2, "oude_code": ["GM0001", "GM0002"],
    ...     "nieuwe_code": ["GM0100", "GM0100"], "nieuwe_naam": ["Samen", "Samen"]}))
    >>> h.code("GM0001", dt.date(2025, 7, 1)), h.code("GM0001", dt.date(2026, 1, 1))
    ('GM0001', 'GM0100')
    >>> h.voorgangers("GM0100")
    ['GM0001', 'GM0002']
    """

    tabel: pd.DataFrame

    @classmethod
    def leeg(cls) -> Herindelingen:
        """No mergers."""
        return cls(
            pd.DataFrame(columns=["ingangsdatum", "oude_code", "nieuwe_code", "nieuwe_naam"])
        )

    @classmethod
    def maak(cls, tabel: pd.DataFrame) -> Herindelingen:
        """Check the mapping and build it."""
        bron = str(tabel.attrs.get("bestand", "herindelingen"))
        k.eis_kolommen(tabel, ("ingangsdatum", "oude_code", "nieuwe_code", "nieuwe_naam"), bron)
        datums = [pd.Timestamp(d).date() for d in tabel["ingangsdatum"]]
        gezien: dict[str, int] = {}
        for i, (d, oud, nieuw) in enumerate(
            zip(datums, tabel["oude_code"], tabel["nieuwe_code"], strict=True)
        ):
            if not (d.day == 1 and d.month in (1, 7)):
                raise InvoerFout(
                    "een herindeling gaat in aan het begin van een halfjaar (1 januari of 1 juli)",
                    bestand=bron,
                    rij=k.rijnummer(i),
                    kolom="ingangsdatum",
                    waarde=d.isoformat(),
                )
            if oud == nieuw:
                raise InvoerFout(
                    "oude en nieuwe code zijn gelijk; een gemeente die blijft bestaan en "
                    "een andere opneemt, staat alleen met de opgeheven gemeente als oude_code",
                    bestand=bron,
                    rij=k.rijnummer(i),
                    kolom="nieuwe_code",
                    waarde=nieuw,
                )
            if oud in gezien:
                raise InvoerFout(
                    f"deze gemeente wordt al opgeheven in rij {k.rijnummer(gezien[oud])}; "
                    "een gemeente gaat in één keer op in één opvolger (splitsen wordt niet "
                    "ondersteund: verdeel de cijfers vooraf)",
                    bestand=bron,
                    rij=k.rijnummer(i),
                    kolom="oude_code",
                    waarde=oud,
                )
            gezien[oud] = i
        uit = tabel.copy()
        uit["ingangsdatum"] = datums
        h = cls(uit)
        for i, oud in enumerate(uit["oude_code"]):  # a cycle would never end
            pad = {oud}
            code = str(uit["nieuwe_code"].iloc[i])
            while code in gezien:
                if code in pad:
                    raise InvoerFout(
                        "de herindelingen vormen een kring; een opgeheven code komt later "
                        "terug als opvolger van zichzelf",
                        bestand=bron,
                        rij=k.rijnummer(i),
                        kolom="oude_code",
                        waarde=oud,
                    )
                pad.add(code)
                code = str(uit["nieuwe_code"].iloc[gezien[code]])
        return h

    def code(self, code: str, op: dt.date) -> str:
        """The code that ``code`` has become on date ``op`` (itself if not merged by then)."""
        t = self.tabel
        while True:
            rij = t[(t["oude_code"] == code) & (t["ingangsdatum"] <= op)]
            if rij.empty:
                return code
            code = str(rij["nieuwe_code"].iloc[0])

    def opgeheven(self, code: str, op: dt.date) -> bool:
        """Whether ``code`` no longer exists on ``op``."""
        return self.code(code, op) != code

    def naam(self, code: str) -> str | None:
        """The name of a merger's new gemeente, if ``code`` is one."""
        rij = self.tabel[self.tabel["nieuwe_code"] == code]
        return None if rij.empty else str(rij["nieuwe_naam"].iloc[0])

    def voorgangers(self, code: str) -> list[str]:
        """Every code that merged (directly or via a chain) into ``code``, sorted."""
        uit: set[str] = set()
        rand = [code]
        while rand:
            c = rand.pop()
            for oud in self.tabel.loc[self.tabel["nieuwe_code"] == c, "oude_code"]:
                if oud not in uit:
                    uit.add(str(oud))
                    rand.append(str(oud))
        return sorted(uit)

    def naar(self, codes: pd.Series, op: dt.date) -> pd.Series:
        """Map a column of codes to their codes on ``op``."""
        cache = {c: self.code(c, op) for c in set(codes)}
        return codes.map(cache)


def inwoners_voor_periode(
    inwoners: pd.DataFrame,
    periode: Periode,
    herindelingen: Herindelingen,
    art30: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The population table of a half-year, in the gemeenten that exist at its start.

    CBS publishes the population of the gemeenten that existed on the
    peildatum; a merger that takes effect later makes some of them abolished
    by the period's start. Their rows are combined into the successor: with the
    figure the province set under art. 30 when ``art30`` has one, else the sum
    of the CBS figures (a documented project choice).

    Parameters
    ----------
    inwoners
        ``gemeente_code``, ``gemeente_naam``, ``inwoners`` (e.g.
        `allocatie.ronde.taakstelling.lees_inwoners`).
    periode, herindelingen
        The half-year and the code mapping.
    art30
        ``gemeente_code``, ``gemeente_naam``, ``inwoners`` set by the province,
        for gemeenten of this half-year (`allocatie.toezicht.invoer.lees_art30`).

    Returns
    -------
    pandas.DataFrame
        ``gemeente_code``, ``gemeente_naam``, ``inwoners``, ``inwoners_bron``
        (``CBS``, ``som voorgangers`` or ``art. 30``).

    Examples
    --------
    >>> h = Herindelingen.maak(pd.DataFrame({
    ...     "ingangsdatum": [dt.date(2026, 1, 1)] * 2, "oude_code": ["GM0001", "GM0002"],
    ...     "nieuwe_code": ["GM0100", "GM0100"], "nieuwe_naam": ["Samen", "Samen"]}))
    >>> cbs = pd.DataFrame({"gemeente_code": ["GM0001", "GM0002", "GM0003"],
    ...                     "gemeente_naam": ["A", "B", "C"], "inwoners": [100, 200, 700]})
    >>> inwoners_voor_periode(cbs, Periode.parse("2026-I"), h)
      gemeente_code gemeente_naam  inwoners    inwoners_bron
    0        GM0100         Samen       300  som voorgangers
    1        GM0003             C       700              CBS
    """
    bron = str(inwoners.attrs.get("bestand", "inwoners"))
    codes = herindelingen.naar(inwoners["gemeente_code"].astype(str), periode.start)
    rijen: dict[str, dict[str, object]] = {}
    for oud, nieuw, naam, n in zip(
        inwoners["gemeente_code"],
        codes,
        inwoners["gemeente_naam"],
        inwoners["inwoners"],
        strict=True,
    ):
        if nieuw not in rijen:
            rijen[nieuw] = {
                "gemeente_code": nieuw,
                "gemeente_naam": naam if nieuw == oud else herindelingen.naam(nieuw) or nieuw,
                "inwoners": 0,
                "inwoners_bron": "CBS" if nieuw == oud else "som voorgangers",
            }
        elif nieuw == oud:
            rijen[nieuw]["gemeente_naam"] = naam
        rijen[nieuw]["inwoners"] = int(rijen[nieuw]["inwoners"]) + int(n)  # type: ignore[call-overload]
    if art30 is not None:
        bron30 = str(art30.attrs.get("bestand", "art30"))
        for i, (code, naam, n) in enumerate(
            zip(art30["gemeente_code"], art30["gemeente_naam"], art30["inwoners"], strict=True)
        ):
            if code not in rijen:
                raise InvoerFout(
                    f"deze gemeente bestaat niet in {periode.label} volgens de inwoners "
                    f"({bron}) en de herindelingen; art. 30 stelt het inwonertal vast van een "
                    "gemeente van het halfjaar",
                    bestand=bron30,
                    rij=k.rijnummer(i),
                    kolom="gemeente_code",
                    waarde=code,
                )
            rijen[code].update(gemeente_naam=naam, inwoners=int(n), inwoners_bron="art. 30")
    uit = pd.DataFrame(list(rijen.values()))
    uit.attrs["bestand"] = bron
    return uit


def taakstelling_met_herziening(
    inwoners: pd.DataFrame, vg: int, vg_herzien: int | None, inwoners_nl: int | None
) -> pd.DataFrame:
    """The taakstelling under the original and, if revised, the revised national number.

    Returns ``gemeente_code``, ``gemeente_naam``, ``inwoners``,
    ``taakstelling_oorspronkelijk`` (with ``vg``), ``taakstelling`` (with
    ``vg_herzien`` when given, else ``vg``) and ``herziening`` (their
    difference, negative for a cut). The revised number is the legal task; the
    carry-over to the next half-year is measured against it, so the cut moves
    every gemeente's end balance by exactly ``herziening``.

    Examples
    --------
    2025-I: vg 17,700 cut to 15,000. A gemeente with 1% of the population:
    ceil(177) = 177 becomes ceil(150) = 150, herziening -27.

    >>> df = pd.DataFrame({"gemeente_code": ["GM0001", "GM0002"],
    ...                    "gemeente_naam": ["A", "B"], "inwoners": [1_000, 99_000]})
    >>> t = taakstelling_met_herziening(df, 17_700, 15_000, None)
    >>> t[["taakstelling_oorspronkelijk", "taakstelling", "herziening"]].values.tolist()
    [[177, 150, -27], [17523, 14850, -2673]]
    """
    oorspronkelijk = bereken_taakstelling(inwoners, vg, inwoners_nl).tabel
    if vg_herzien is None:
        herzien = oorspronkelijk
    else:
        herzien = bereken_taakstelling(inwoners, vg_herzien, inwoners_nl).tabel
    uit = oorspronkelijk.rename(columns={"taakstelling": "taakstelling_oorspronkelijk"})
    uit["taakstelling"] = herzien["taakstelling"].to_numpy()
    uit["herziening"] = (
        np.asarray(uit["taakstelling"], dtype=object)
        - np.asarray(uit["taakstelling_oorspronkelijk"], dtype=object)
    ).astype(np.int64)
    logger.info("taakstelling: vg %s, herzien %s", vg, vg_herzien)
    return uit

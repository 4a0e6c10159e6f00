"""The toezicht dossier: per gemeente, half-year after half-year.

`bereken_dossier` is a pure function of DataFrames (the Python API); it
computes, per half-year and gemeente,

- the taakstelling (original and revised national number, `wettelijk`),
- the opening balance carried over from the half-year before
  (`allocatie.ronde.taakstelling.pas_overloop_toe`, after mapping merged
  gemeenten to their successor),
- the realisation at the peildatum (1 July for the first half-year, 1 January
  for the second): households housed plus nareizigers credited when housed
  (`realisaties`),
- the closing balance (achterstand / voorsprong), the part of the achterstand
  caused by COA offering too few people before 1 April / 1 October
  (``tekort_door_aanbod``) and the gemeente's own part,
- the number of consecutive half-years behind and the rung of the ladder.

Two tables come out: `Dossier.perioden` in each half-year's own gemeenten (the
legal figures), and `Dossier.dossier` in the gemeenten of the last half-year
(the figures of merged gemeenten added up, so that a dossier follows a
gemeente through a herindeling); the ladder is counted on the latter. Quarterly
snapshots are in `Dossier.momentopnamen`. Every column is defined in
``docs/toezicht.md``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from allocatie.io import kolommen as k
from allocatie.kern.errors import AllocatieWaarschuwing, InvoerFout
from allocatie.kern.periode import Periode
from allocatie.ronde.taakstelling import pas_overloop_toe
from allocatie.toezicht.config import STANDAARD_LADDER, Ladder
from allocatie.toezicht.wettelijk import Herindelingen

__all__ = [
    "DOSSIER_KOLOMMEN",
    "PERIODE_KOLOMMEN",
    "Dossier",
    "Halfjaar",
    "OverloopWaarschuwing",
    "aanbodgrens",
    "bereken_dossier",
    "peildatum",
    "realisaties",
]

logger = logging.getLogger(__name__)


class OverloopWaarschuwing(AllocatieWaarschuwing):
    """A round archive's opening balance differs from the chain's carry-over."""


#: Columns of `Dossier.perioden` (each half-year in its own gemeenten).
PERIODE_KOLOMMEN: tuple[str, ...] = (
    "periode",
    "peildatum",
    "gemeente_code",
    "gemeente_naam",
    "inwoners",
    "inwoners_bron",
    "taakstelling_oorspronkelijk",
    "herziening",
    "taakstelling",
    "achterstand_begin",
    "voorsprong_begin",
    "opgave",
    "gerealiseerd",
    "waarvan_nareizigers",
    "saldo",
    "achterstand_eind",
    "voorsprong_eind",
    "gekoppeld_tijdig",
    "tekort_door_aanbod",
    "achterstand_eigen",
    "bron",
)

#: Columns of `Dossier.dossier` (the gemeenten of the last half-year).
DOSSIER_KOLOMMEN: tuple[str, ...] = (
    "gemeente_code",
    "gemeente_naam",
    "periode",
    "peildatum",
    "codes_in_periode",
    *PERIODE_KOLOMMEN[6:-1],
    "realisatiegraad",
    "achter",
    "halfjaren_achter",
    "trede",
    "verschil_achterstand_eigen",
    "trend",
)

# The columns of `Halfjaar.taak`.
_TAAK = (
    "gemeente_code",
    "gemeente_naam",
    "inwoners",
    "inwoners_bron",
    "taakstelling_oorspronkelijk",
    "herziening",
    "taakstelling",
)

# Summed over merged gemeenten; everything else is derived from these.
_BASIS = (
    "taakstelling_oorspronkelijk",
    "herziening",
    "taakstelling",
    "saldo_begin",
    "gerealiseerd",
    "waarvan_nareizigers",
    "gekoppeld_tijdig",
)


@dataclass(frozen=True)
class Halfjaar:
    """The inputs of one half-year.

    Attributes
    ----------
    periode
        The half-year.
    taak
        ``gemeente_code``, ``gemeente_naam``, ``inwoners``, ``inwoners_bron``,
        ``taakstelling_oorspronkelijk``, ``herziening``, ``taakstelling``
        (e.g. `allocatie.toezicht.wettelijk.taakstelling_met_herziening`).
    archief
        For a half-year taken from a round archive: ``gemeente_code``,
        ``achterstand``, ``voorsprong``, ``gerealiseerd`` (the realisation at the
        end of the round, placements included), as from
        `allocatie.archief.lezen.vorige_uit_archief`; None for a half-year
        computed from realisation files.
    bron
        The archive or the files, for messages.
    """

    periode: Periode
    taak: pd.DataFrame
    archief: pd.DataFrame | None = None
    bron: str = ""


@dataclass(frozen=True)
class Dossier:
    """The result of `bereken_dossier`: plain DataFrames, ready for a workbook or a web app."""

    perioden: pd.DataFrame
    dossier: pd.DataFrame
    momentopnamen: pd.DataFrame
    realisaties: pd.DataFrame
    ladder: Ladder
    laatste: str
    waarschuwingen: list[str] = field(default_factory=list)

    def overzicht(self, halfjaren: int | None = None) -> pd.DataFrame:
        """One row per gemeente: its latest half-year and the last ``halfjaren`` in a row.

        Columns: the latest half-year's ``dossier`` row plus ``status`` (the
        ``saldo`` of each shown half-year, oldest first, e.g. ``"+12 / +5 / -3"``:
        positive is achterstand) and ``tekort_door_aanbod_totaal`` (the excusable
        part summed over the shown half-years).
        """
        d = self.dossier
        perioden = list(dict.fromkeys(d["periode"]))
        if halfjaren is not None:
            perioden = perioden[-halfjaren:]
        deel = d[d["periode"].isin(perioden)]
        laatste = d[d["periode"] == self.laatste].set_index("gemeente_code")
        status = deel.groupby("gemeente_code", sort=False)["saldo"].agg(
            lambda s: " / ".join(f"{int(v):+d}" for v in s)
        )
        excuus = deel.groupby("gemeente_code", sort=False)["tekort_door_aanbod"].agg(
            lambda s: s.dropna().astype(int).sum() if s.notna().any() else pd.NA
        )
        uit = laatste.assign(
            perioden_getoond=f"{perioden[0]} t/m {perioden[-1]}",
            status=status,
            tekort_door_aanbod_totaal=excuus,
        ).reset_index()
        return uit


def peildatum(periode: Periode) -> dt.date:
    """The day after the half-year: 1 July or 1 January, when the province takes stock.

    Examples
    --------
    >>> peildatum(Periode.parse("2025-I")), peildatum(Periode.parse("2025-II"))
    (datetime.date(2025, 7, 1), datetime.date(2026, 1, 1))
    """
    return periode.eind + dt.timedelta(days=1)


def aanbodgrens(periode: Periode) -> dt.date:
    """1 April or 1 October: COA's koppelingen before it count as the half-year's offer.

    Examples
    --------
    >>> aanbodgrens(Periode.parse("2025-I")), aanbodgrens(Periode.parse("2025-II"))
    (datetime.date(2025, 4, 1), datetime.date(2025, 10, 1))
    """
    return dt.date(periode.start.year, periode.start.month + 3, 1)


def _vorige_periode(periode: Periode) -> Periode:
    jaar = periode.start.year
    return Periode.parse(f"{jaar}-I" if periode.label.endswith("-II") else f"{jaar - 1}-II")


def realisaties(huisvestingen: pd.DataFrame, nareizigers: pd.DataFrame | None) -> pd.DataFrame:
    """Every credit to a taakstelling with its date: households housed and nareizigers.

    A household counts on its housing date for its gemeente. A nareiziger
    group counts for the gemeente of its referent (the sponsor), without a new
    home, on the later of its arrival date and the sponsor's housing date:
    nareizigers who arrive before the sponsor is housed move in with them.
    A sponsor who is not in ``huisvestingen`` (housed before the data starts)
    needs ``gemeente_code`` in the nareizigers table.

    Returns
    -------
    pandas.DataFrame
        ``soort`` (``huisvesting`` / ``nareizigers``), ``id``, ``gemeente_code``,
        ``datum`` (``datetime.date``), ``personen``, ``bron``, ``rij``.

    Examples
    --------
    >>> hv = pd.DataFrame({"huishouden_id": ["H1"], "gemeente_code": ["GM0001"],
    ...                    "datum": [dt.date(2025, 3, 1)], "personen": [1]})
    >>> nr = pd.DataFrame({"groep_id": ["N1", "N2"], "referent_id": ["H1", "H1"],
    ...                    "personen": [3, 2], "gemeente_code": ["", ""],
    ...                    "aankomstdatum": [dt.date(2025, 1, 10), dt.date(2025, 8, 5)]})
    >>> realisaties(hv, nr)[["soort", "gemeente_code", "datum", "personen"]]
             soort gemeente_code       datum  personen
    0  huisvesting        GM0001  2025-03-01         1
    1  nareizigers        GM0001  2025-03-01         3
    2  nareizigers        GM0001  2025-08-05         2
    """
    bron_h = str(huisvestingen.attrs.get("bestand", "huisvestingen"))
    datums_h = [pd.Timestamp(d).date() for d in huisvestingen["datum"]]
    rijen = [
        ("huisvesting", i, g, d, int(n), bron_h, k.rijnummer(j))
        for j, (i, g, d, n) in enumerate(
            zip(
                huisvestingen["huishouden_id"],
                huisvestingen["gemeente_code"],
                datums_h,
                huisvestingen["personen"],
                strict=True,
            )
        )
    ]
    if nareizigers is not None:
        bron_n = str(nareizigers.attrs.get("bestand", "nareizigers"))
        huis = {r[1]: (r[2], r[3]) for r in rijen}
        codes = (
            nareizigers["gemeente_code"]
            if "gemeente_code" in nareizigers.columns
            else pd.Series([""] * len(nareizigers))
        )
        for j, (gid, ref, n, aankomst, code) in enumerate(
            zip(
                nareizigers["groep_id"],
                nareizigers["referent_id"],
                nareizigers["personen"],
                nareizigers["aankomstdatum"],
                codes,
                strict=True,
            )
        ):
            aankomst = pd.Timestamp(aankomst).date()
            if ref in huis:
                gem, gehuisvest = huis[ref]
                if code and code != gem:
                    raise InvoerFout(
                        f"de referent {ref} is gehuisvest in {gem} ({bron_h}); nareizigers "
                        "tellen voor de gemeente van de referent. Laat gemeente_code leeg of "
                        "maak ze gelijk",
                        bestand=bron_n,
                        rij=k.rijnummer(j),
                        kolom="gemeente_code",
                        waarde=code,
                    )
                datum = max(aankomst, gehuisvest)
            elif code:
                gem, datum = code, aankomst
            else:
                raise InvoerFout(
                    f"de referent staat niet in {bron_h}; geef in gemeente_code de gemeente "
                    "waar de referent al woont (gehuisvest vóór de gegevens beginnen)",
                    bestand=bron_n,
                    rij=k.rijnummer(j),
                    kolom="referent_id",
                    waarde=ref,
                )
            rijen.append(("nareizigers", gid, gem, datum, int(n), bron_n, k.rijnummer(j)))
    return pd.DataFrame(
        rijen, columns=["soort", "id", "gemeente_code", "datum", "personen", "bron", "rij"]
    )


def _in_periode(datums: pd.Series, periode: Periode, tot: dt.date | None = None) -> pd.Series:
    eind = peildatum(periode) if tot is None else tot
    return (datums >= periode.start) & (datums < eind)


def _naar_codes(
    codes: pd.Series,
    bekend: set[str],
    herindelingen: Herindelingen,
    periode: Periode,
    bronnen: pd.Series,
    rijen: pd.Series,
    kolom: str,
) -> pd.Series:
    """Map codes to the half-year's gemeenten; an unknown one is an error naming its row."""
    uit = herindelingen.naar(codes.astype(str), periode.start)
    for i in np.flatnonzero(~uit.isin(bekend).to_numpy()):
        raise InvoerFout(
            f"deze gemeente bestaat niet in {periode.label} (niet in de inwoners van het "
            "halfjaar, ook niet na de herindelingen)",
            bestand=str(bronnen.iloc[i]),
            rij=int(rijen.iloc[i]),
            kolom=kolom,
            waarde=codes.iloc[i],
        )
    return uit


def _vorige_tabel(
    rijen: pd.DataFrame, herindelingen: Herindelingen, periode: Periode
) -> pd.DataFrame:
    """The previous half-year as `pas_overloop_toe` takes it, merged gemeenten added up."""
    t = rijen.copy()
    t["gemeente_code"] = herindelingen.naar(t["gemeente_code"].astype(str), periode.start)
    som = t.groupby("gemeente_code", sort=False)[
        ["taakstelling", "achterstand", "voorsprong", "gerealiseerd"]
    ].sum()
    netto = som["achterstand"] - som["voorsprong"]
    som["achterstand"] = netto.clip(lower=0)
    som["voorsprong"] = (-netto).clip(lower=0)
    uit = som.reset_index()
    uit.attrs["bestand"] = rijen.attrs.get("bestand", "vorige periode")
    return uit


def _afgeleid(df: pd.DataFrame) -> pd.DataFrame:
    """Derive the balance columns from the `_BASIS` columns (own or summed gemeenten)."""
    df = df.copy()
    df["achterstand_begin"] = df["saldo_begin"].clip(lower=0)
    df["voorsprong_begin"] = (-df["saldo_begin"]).clip(lower=0)
    df["opgave"] = df["taakstelling"] + df["saldo_begin"]
    df["saldo"] = df["opgave"] - df["gerealiseerd"]
    df["achterstand_eind"] = df["saldo"].clip(lower=0)
    df["voorsprong_eind"] = (-df["saldo"]).clip(lower=0)
    gekoppeld = df["gekoppeld_tijdig"]
    tekort = (df["opgave"] - gekoppeld - df["waarvan_nareizigers"]).clip(lower=0)
    tekort = np.minimum(tekort, df["achterstand_eind"])
    df["tekort_door_aanbod"] = tekort.where(gekoppeld.notna()).astype("Int64")
    df["achterstand_eigen"] = (df["achterstand_eind"] - df["tekort_door_aanbod"].fillna(0)).astype(
        "int64"
    )
    return df


def bereken_dossier(
    halfjaren: list[Halfjaar],
    *,
    huisvestingen: pd.DataFrame | None = None,
    nareizigers: pd.DataFrame | None = None,
    koppelingen: pd.DataFrame | None = None,
    herindelingen: Herindelingen | None = None,
    beginstand: pd.DataFrame | None = None,
    ladder: Ladder = STANDAARD_LADDER,
    kwartaal: bool = True,
) -> Dossier:
    """Compute the dossier over consecutive half-years (see the module notes).

    Parameters
    ----------
    halfjaren
        The half-years, oldest first, without gaps.
    huisvestingen, nareizigers
        The realisation (`allocatie.toezicht.invoer`); required for half-years
        not taken from an archive.
    koppelingen
        COA's koppelingen; without them ``gekoppeld_tijdig`` and
        ``tekort_door_aanbod`` stay empty and all arrears count as the
        gemeente's own.
    herindelingen
        The code mapping across mergers.
    beginstand
        The half-year before the first, as `allocatie.archief.lezen.lees_vorige_periode`
        returns it (its balance becomes the first opening balance).
    ladder
        The provincial intervention ladder.
    kwartaal
        Also take snapshots on 1 April / 1 October.

    Raises
    ------
    InvoerFout
        On half-years with gaps, codes that do not exist in their half-year,
        realisation dated in a half-year taken from an archive, or a missing
        realisation file.
    """
    if not halfjaren:
        raise InvoerFout("geen halfjaren opgegeven")
    for a, b in itertools.pairwise(halfjaren):
        if b.periode.start != peildatum(a.periode):
            raise InvoerFout(
                f"de halfjaren sluiten niet aan: na {a.periode.label} komt {b.periode.label}"
            )
    for hj in halfjaren:
        k.eis_kolommen(hj.taak, _TAAK, hj.bron or f"taakstelling {hj.periode.label}")
    h = herindelingen or Herindelingen.leeg()
    waarschuwingen: list[str] = []
    if huisvestingen is None and any(hj.archief is None for hj in halfjaren):
        raise InvoerFout(
            "geen huisvestingen opgegeven; een halfjaar zonder rondearchief telt de "
            "realisatie uit huisvestingen.csv"
        )
    real = (
        realisaties(huisvestingen, nareizigers)
        if huisvestingen is not None
        else realisaties(
            pd.DataFrame(columns=["huishouden_id", "gemeente_code", "datum", "personen"]), None
        )
    )
    real_datums = pd.Series(real["datum"], dtype=object)
    kop_datums = (
        pd.Series([pd.Timestamp(d).date() for d in koppelingen["koppeldatum"]], dtype=object)
        if koppelingen is not None
        else None
    )

    perioden: list[pd.DataFrame] = []
    vorige: pd.DataFrame | None = beginstand
    for hj in halfjaren:
        p = hj.periode
        taak = hj.taak.reset_index(drop=True)
        codes = set(taak["gemeente_code"].astype(str))
        # Opening balance: carried over by the one rule of the round (pas_overloop_toe).
        if vorige is not None:
            overloop = pas_overloop_toe(
                taak[["gemeente_code", "taakstelling"]], _vorige_tabel(vorige, h, p)
            )
            saldo_begin = (overloop["achterstand"] - overloop["voorsprong"]).to_numpy()
        else:
            saldo_begin = np.zeros(len(taak), dtype=np.int64)
        in_p = _in_periode(real_datums, p)
        if hj.archief is not None:
            if in_p.any():
                r = real[in_p].iloc[0]
                raise InvoerFout(
                    f"{p.label} komt uit een rondearchief ({hj.bron}), dat de realisatie al "
                    "bevat; realisatie met een datum in dat halfjaar zou dubbel tellen",
                    bestand=str(r["bron"]),
                    rij=int(r["rij"]),
                    kolom="datum",
                    waarde=str(r["datum"]),
                )
            a = hj.archief.set_index("gemeente_code").reindex(taak["gemeente_code"])
            archief_saldo = (a["achterstand"] - a["voorsprong"]).to_numpy(dtype=np.int64)
            if vorige is None:
                saldo_begin = archief_saldo
            elif not np.array_equal(archief_saldo, saldo_begin):
                bericht = (
                    f"{p.label}: de beginstand in het rondearchief ({hj.bron}) wijkt af van de "
                    "overloop uit het halfjaar ervoor; het dossier rekent met de overloop"
                )
                waarschuwingen.append(bericht)
                warnings.warn(OverloopWaarschuwing(bericht), stacklevel=2)
            gerealiseerd = a["gerealiseerd"].to_numpy(dtype=np.int64)
            nareiz = np.zeros(len(taak), dtype=np.int64)
        else:
            deel = real[in_p]
            code_p = _naar_codes(
                deel["gemeente_code"], codes, h, p, deel["bron"], deel["rij"], "gemeente_code"
            )
            som = deel["personen"].groupby(code_p).sum()
            gerealiseerd = som.reindex(taak["gemeente_code"]).fillna(0).to_numpy(dtype=np.int64)
            nr = deel["soort"] == "nareizigers"
            som_nr = deel.loc[nr, "personen"].groupby(code_p[nr]).sum()
            nareiz = som_nr.reindex(taak["gemeente_code"]).fillna(0).to_numpy(dtype=np.int64)
        if koppelingen is not None and kop_datums is not None:
            van, tot = aanbodgrens(_vorige_periode(p)), aanbodgrens(p)
            binnen = ((kop_datums >= van) & (kop_datums < tot)).to_numpy()
            deel_k = koppelingen[binnen]
            bron_k = str(koppelingen.attrs.get("bestand", "koppelingen"))
            code_k = _naar_codes(
                deel_k["gemeente_code"],
                codes,
                h,
                p,
                pd.Series([bron_k] * len(deel_k)),
                pd.Series(np.flatnonzero(binnen) + 2),
                "gemeente_code",
            )
            gekoppeld = (
                deel_k["personen"]
                .groupby(code_k.to_numpy())
                .sum()
                .reindex(taak["gemeente_code"])
                .fillna(0)
                .astype("Int64")
                .to_numpy()
            )
        else:
            gekoppeld = pd.array([pd.NA] * len(taak), dtype="Int64")
        rij = pd.DataFrame(
            {
                "periode": p.label,
                "peildatum": peildatum(p),
                "gemeente_code": taak["gemeente_code"].astype(str),
                "gemeente_naam": taak["gemeente_naam"].astype(str),
                "inwoners": taak["inwoners"].astype("Int64"),
                "inwoners_bron": taak["inwoners_bron"].astype(str),
                "taakstelling_oorspronkelijk": taak["taakstelling_oorspronkelijk"].astype("int64"),
                "herziening": taak["herziening"].astype("int64"),
                "taakstelling": taak["taakstelling"].astype("int64"),
                "saldo_begin": np.asarray(saldo_begin, dtype=np.int64),
                "gerealiseerd": gerealiseerd,
                "waarvan_nareizigers": nareiz,
                "gekoppeld_tijdig": pd.array(gekoppeld, dtype="Int64"),
                "bron": "rondearchief" if hj.archief is not None else "realisatie",
            }
        )
        rij = _afgeleid(rij)
        perioden.append(rij)
        vorige = pd.DataFrame(
            {
                "gemeente_code": rij["gemeente_code"],
                "taakstelling": rij["taakstelling"],
                "achterstand": rij["achterstand_begin"],
                "voorsprong": rij["voorsprong_begin"],
                "gerealiseerd": rij["gerealiseerd"],
            }
        )
        vorige.attrs["bestand"] = f"dossier {p.label}"

    buiten = ~_in_periode(real_datums, halfjaren[0].periode, peildatum(halfjaren[-1].periode))
    if buiten.any():
        logger.info(
            "%d realisaties vallen buiten %s t/m %s en tellen niet mee",
            int(buiten.sum()),
            halfjaren[0].periode.label,
            halfjaren[-1].periode.label,
        )
    alles = pd.concat(perioden, ignore_index=True)
    laatste = halfjaren[-1].periode
    dossier = _dossier(alles, h, laatste, ladder)
    momenten = _momentopnamen(dossier, real, h, halfjaren, laatste, kwartaal)
    return Dossier(
        perioden=alles[list(PERIODE_KOLOMMEN)],
        dossier=dossier[list(DOSSIER_KOLOMMEN)],
        momentopnamen=momenten,
        realisaties=real.drop(columns=["bron", "rij"]),
        ladder=ladder,
        laatste=laatste.label,
        waarschuwingen=waarschuwingen,
    )


def _dossier(
    alles: pd.DataFrame, h: Herindelingen, laatste: Periode, ladder: Ladder
) -> pd.DataFrame:
    """The half-years in the gemeenten of the last one, with the ladder counted."""
    namen = alles[alles["periode"] == laatste.label].set_index("gemeente_code")["gemeente_naam"]
    t = alles.copy()
    t["doel"] = h.naar(t["gemeente_code"], laatste.start)
    delen = []
    for periode, groep in t.groupby("periode", sort=False):
        som = groep.groupby("doel", sort=False)[list(_BASIS)].sum(min_count=1)
        som["gekoppeld_tijdig"] = som["gekoppeld_tijdig"].astype("Int64")
        for kolom in _BASIS[:-1]:
            som[kolom] = som[kolom].astype("int64")
        som["codes_in_periode"] = groep.groupby("doel", sort=False)["gemeente_code"].agg(
            lambda s: ", ".join(sorted(s))
        )
        som["periode"] = periode
        som["peildatum"] = groep["peildatum"].iloc[0]
        delen.append(_afgeleid(som.rename_axis("gemeente_code").reset_index()))
    d = pd.concat(delen, ignore_index=True)
    d["gemeente_naam"] = d["gemeente_code"].map(namen)
    d["realisatiegraad"] = (d["gerealiseerd"] / d["opgave"]).where(d["opgave"] > 0)
    d["achter"] = [
        ladder.is_achter(int(a), int(t))
        for a, t in zip(d["achterstand_eigen"], d["taakstelling"], strict=True)
    ]
    tellers: dict[str, int] = {}
    vorige_eigen: dict[str, int] = {}
    aantal, verschil = [], []
    for code, achter, eigen in zip(
        d["gemeente_code"], d["achter"], d["achterstand_eigen"], strict=True
    ):
        tellers[code] = tellers.get(code, 0) + 1 if achter else 0
        aantal.append(tellers[code])
        verschil.append(int(eigen) - vorige_eigen[code] if code in vorige_eigen else pd.NA)
        vorige_eigen[code] = int(eigen)
    d["halfjaren_achter"] = aantal
    d["trede"] = [ladder.trede(n) for n in aantal]
    d["verschil_achterstand_eigen"] = pd.array(verschil, dtype="Int64")
    d["trend"] = [
        "" if pd.isna(v) else ("oplopend" if v > 0 else "dalend" if v < 0 else "gelijk")
        for v in d["verschil_achterstand_eigen"]
    ]
    return d.sort_values(["gemeente_code", "peildatum"], kind="stable").reset_index(drop=True)


def _momentopnamen(
    dossier: pd.DataFrame,
    real: pd.DataFrame,
    h: Herindelingen,
    halfjaren: list[Halfjaar],
    laatste: Periode,
    kwartaal: bool,
) -> pd.DataFrame:
    """Realisation to date at the quarter (if asked) and at the peildatum, against pro rata.

    ``verwacht_naar_rato`` is the opgave times the share of the half-year's
    months elapsed (3 of 6 at the quarter), rounded up.
    """
    rijen = []
    datums = pd.Series(real["datum"], dtype=object)
    doel = h.naar(real["gemeente_code"].astype(str), laatste.start)
    for hj in halfjaren:
        if hj.archief is not None:
            continue  # an archive has no dates: only the end of the half-year is known
        p = hj.periode
        momenten = [(aanbodgrens(p), 3)] if kwartaal else []
        momenten.append((peildatum(p), 6))
        d = dossier[dossier["periode"] == p.label]
        for moment, maanden in momenten:
            binnen = _in_periode(datums, p, moment)
            som = real.loc[binnen, "personen"].groupby(doel[binnen]).sum()
            tot = som.reindex(d["gemeente_code"]).fillna(0).astype("int64").to_numpy()
            opgave = d["opgave"].to_numpy(dtype=np.int64)
            verwacht = np.where(opgave > 0, -(-opgave * maanden // 6), 0)
            rijen.append(
                pd.DataFrame(
                    {
                        "periode": p.label,
                        "peildatum": moment,
                        "soort": "kwartaal" if maanden == 3 else "peildatum",
                        "gemeente_code": d["gemeente_code"].to_numpy(),
                        "gemeente_naam": d["gemeente_naam"].to_numpy(),
                        "opgave": opgave,
                        "gerealiseerd_tot": tot,
                        "verwacht_naar_rato": verwacht,
                        "achter_op_schema": np.maximum(verwacht - tot, 0),
                    }
                )
            )
    kolommen = [
        "periode",
        "peildatum",
        "soort",
        "gemeente_code",
        "gemeente_naam",
        "opgave",
        "gerealiseerd_tot",
        "verwacht_naar_rato",
        "achter_op_schema",
    ]
    if not rijen:
        return pd.DataFrame(columns=kolommen)
    return (
        pd.concat(rijen, ignore_index=True)
        .sort_values(["gemeente_code", "peildatum"], kind="stable")
        .reset_index(drop=True)[kolommen]
    )

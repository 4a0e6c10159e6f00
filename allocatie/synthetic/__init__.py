"""Deterministic, NL-like synthetic allocation rounds.

`genereer_ronde` draws a fictional territory (gemeente polygons in EPSG:28992
inside the Dutch bounding box, provinces, arbeidsmarktregio's, COA-regio's),
taakstellingen from the legal formula, households waiting in azc's, regular
homes per size class and flexible sites. Everything is fictional: codes are
``GM9001``, ``GM9002``, ... (unused by CBS) and names are composed from
syllables. Households carry no protected attributes.

The same seed gives the same tables, bit for bit. Each part (territory,
households, supply, ...) has its own random stream spawned from the seed, so
changing the number of households does not move the gemeenten.

With ``basis=`` (a base table of real gemeenten, see `allocatie.synthetic.echt`)
the territory is the real one: gemeenten, boundaries, population and regions are
taken as they are, azc's lie in gemeenten that host one, and households, homes
and flexible sites are drawn over that geography by the same code.

Examples
--------
>>> t = genereer_ronde(6, 40, seed=1)
>>> len(t.gemeenten), len(t.huishoudens), t.gemeenten.crs.to_epsg()
(6, 40, 28992)
>>> t.gemeenten["gemeente_code"].iloc[0]
'GM9001'
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd

from allocatie.kern.errors import InvoerFout
from allocatie.kern.periode import Periode
from allocatie.kern.tabellen import RondeTabellen
from allocatie.synthetic.aanbod import (
    genereer_flexlocaties,
    genereer_woningaanbod,
    personencapaciteit,
)
from allocatie.synthetic.echt import gemeenten_uit_basis, genereer_echte_huishoudens, lees_basis
from allocatie.synthetic.gebied import NL_GRENZEN, genereer_gebied
from allocatie.synthetic.huishoudens import genereer_huishoudens
from allocatie.synthetic.namen import gemeentenamen
from allocatie.synthetic.taak import genereer_regiocapaciteit, genereer_taakstelling

__all__ = ["NL_GRENZEN", "genereer_ronde", "kerncijfers", "lees_basis", "personencapaciteit"]

MAX_GEMEENTEN = 999
"""Codes GM9001..GM9999 leave room for 999 fictional gemeenten."""


def _inwoners(rng: np.random.Generator, n: int) -> np.ndarray:
    """Lognormal populations like the real ones (median ~33k), a few towns of 100k+."""
    inwoners = np.clip(rng.lognormal(math.log(33_000), 0.8, n), 1_000, 950_000)
    groot = rng.uniform(100_000, 250_000, max(1, round(0.05 * n)))
    if n >= 8:  # at least one town with a hospital and a university
        top = np.argsort(-inwoners, kind="stable")[: len(groot)]
        inwoners[top] = np.maximum(inwoners[top], groot)
    return np.round(inwoners).astype(np.int64)


def _controleer(naam: str, waarde: float, minimum: float, maximum: float | None = None) -> None:
    if maximum is not None and not minimum <= waarde <= maximum:
        raise InvoerFout(f"moet tussen {minimum} en {maximum} liggen", kolom=naam, waarde=waarde)
    if waarde < minimum:
        raise InvoerFout(f"moet minstens {minimum} zijn", kolom=naam, waarde=waarde)


def _fictief_gebied(
    r_gebied: np.random.Generator, r_namen: np.random.Generator, n_gemeenten: int
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """The fictional territory: the ``gemeenten`` table and the centroids of its cells."""
    gebied = genereer_gebied(r_gebied, n_gemeenten)
    namen = gemeentenamen(r_namen, n_gemeenten)
    inwoners = _inwoners(r_namen, n_gemeenten)
    codes = np.array([f"GM{9001 + i:04d}" for i in range(n_gemeenten)], dtype=object)
    gemeenten = gpd.GeoDataFrame(
        {
            "gemeente_code": pd.Series(codes, dtype="str"),
            "gemeente_naam": pd.Series(namen, dtype="str"),
            "provincie_code": pd.Series(
                np.array(gebied.provincie_codes, dtype=object)[gebied.provincie], dtype="str"
            ),
            "arbeidsmarktregio_code": pd.Series(
                np.array(gebied.arbeidsmarktregio_codes, dtype=object)[gebied.arbeidsmarktregio],
                dtype="str",
            ),
            "coa_regio": pd.Series(gebied.coa_regio, dtype="str"),
            "inwoners": inwoners,
        },
        geometry=gpd.GeoSeries(gebied.cellen, crs="EPSG:28992"),
    )
    return gemeenten, gebied.centra


def genereer_ronde(
    n_gemeenten: int | None,
    n_huishoudens: int,
    n_flex: int | None = None,
    seed: int = 0,
    periode: str = "2025-I",
    *,
    aandeel_alleenstaand: float = 0.78,
    aanbod_factor: float = 0.9,
    flex_factor: float = 0.25,
    taak_factor: float = 1.0,
    regiocapaciteit: float | None = None,
    basis: gpd.GeoDataFrame | None = None,
    vg: int | None = None,
    inwoners_nl: int | None = None,
) -> RondeTabellen:
    """Generate a synthetic allocation round.

    Parameters
    ----------
    n_gemeenten
        Number of gemeenten (1 to 999). Up to 44 form one province ``PV99``;
        more are split in provinces of about 30. With ``basis``: None (or the
        number of gemeenten in it).
    n_huishoudens
        Number of households waiting (at least 1).
    n_flex
        Number of flexible sites; default ``max(1, round(n_gemeenten / 4))``;
        0 gives no ``flexlocaties`` table.
    seed
        Seed of ``numpy.random.default_rng``; the same seed gives identical tables.
    periode
        Half-year, ``JJJJ-I`` or ``JJJJ-II``; dates fall in its first months.
    aandeel_alleenstaand
        Share of single-person households (0..1).
    aanbod_factor
        Persons capacity of the regular homes as a multiple of what the
        households need (``personen + nareizigers``).
    flex_factor
        Persons capacity of the flexible sites for vergunninghouders, as a
        multiple of that need (sites have 20-300 units, so small rounds may get more).
    taak_factor
        The taakstellingen sum to about this multiple of the persons waiting
        (ignored when ``vg`` is given).
    regiocapaciteit
        If given, cap the arbeidsmarktregio with the largest remaining need at
        this share of that need (a ``regiocapaciteit`` table with one row).
    basis
        A base table of real gemeenten (`allocatie.spatial.bouw_basistabel`, or
        `lees_basis` on the file of ``allocatie basis``). All its gemeenten are
        used with their real boundaries, population and regions (in
        ``gemeente_code`` order); see `allocatie.synthetic.echt`.
    vg
        The national number of the period (persons), e.g. 15,000 for 2025-I;
        each taakstelling is ``ceil(vg * inwoners / inwoners_nl)``.
    inwoners_nl
        Denominator of the formula. Default: with ``basis`` the sum of its
        population (the table is the whole country); otherwise the CBS figure
        for 1 January 2024 or the territory's, whichever is larger.

    Returns
    -------
    RondeTabellen
        ``gemeenten`` is a GeoDataFrame in EPSG:28992; the other tables follow
        ``data/SCHEMA.md`` (dates as ``datetime64``, missing optional values as NA).

    Raises
    ------
    InvoerFout
        When a parameter is out of range, or ``basis`` is not a valid base table.
    ConfiguratieFout
        When ``periode`` is not ``JJJJ-I`` or ``JJJJ-II``.
    """
    echt = None
    if basis is None:
        if n_gemeenten is None:
            raise InvoerFout("geef het aantal gemeenten of een basistabel", kolom="n_gemeenten")
        _controleer("n_gemeenten", n_gemeenten, 1, MAX_GEMEENTEN)
    else:
        echt = gemeenten_uit_basis(basis)
        if n_gemeenten is not None and n_gemeenten != len(echt):
            raise InvoerFout(
                f"met een basistabel doen alle {len(echt)} gemeenten mee; laat n_gemeenten weg",
                kolom="n_gemeenten",
                waarde=n_gemeenten,
            )
        n_gemeenten = len(echt)
    _controleer("n_huishoudens", n_huishoudens, 1)
    if n_flex is None:
        n_flex = max(1, round(n_gemeenten / 4))
    _controleer("n_flex", n_flex, 0)
    _controleer("aandeel_alleenstaand", aandeel_alleenstaand, 0.0, 1.0)
    _controleer("aanbod_factor", aanbod_factor, 0.0)
    _controleer("flex_factor", flex_factor, 0.0)
    _controleer("taak_factor", taak_factor, 0.0)
    if regiocapaciteit is not None:
        _controleer("regiocapaciteit", regiocapaciteit, 0.0)
    if vg is not None:
        _controleer("vg", vg, 0)
    start = np.datetime64(Periode.parse(periode).start, "D")

    r_gebied, r_namen, r_huis, r_taak, r_woning, r_flex = np.random.default_rng(seed).spawn(6)
    if echt is None:
        gemeenten, centra = _fictief_gebied(r_gebied, r_namen, n_gemeenten)
    else:  # the real territory: r_gebied and r_namen stay unused
        gemeenten, centra = echt, None
        if inwoners_nl is None:
            inwoners_nl = int(echt["inwoners"].sum())
    codes = gemeenten["gemeente_code"].to_numpy(dtype=object)
    namen = gemeenten["gemeente_naam"].tolist()
    inwoners = gemeenten["inwoners"].to_numpy(dtype=np.int64)
    cellen = gemeenten.geometry.to_numpy()

    if centra is None:
        huishoudens = genereer_echte_huishoudens(
            r_huis, n_huishoudens, gemeenten, start, aandeel_alleenstaand
        )
    else:
        huishoudens = genereer_huishoudens(
            r_huis, n_huishoudens, codes, inwoners, centra, start, aandeel_alleenstaand
        )
    personen = int(huishoudens["personen"].sum())
    taakstelling, _ = genereer_taakstelling(
        r_taak,
        codes,
        namen,
        inwoners,
        round(taak_factor * personen),
        vg=vg,
        inwoners_nl=inwoners_nl,
    )
    behoefte = (huishoudens["personen"] + huishoudens["nareizigers"]).to_numpy()
    woningaanbod = genereer_woningaanbod(r_woning, codes, inwoners, behoefte, start, aanbod_factor)
    flexlocaties = None
    if n_flex > 0:
        flexlocaties = genereer_flexlocaties(
            r_flex,
            n_flex,
            codes,
            namen,
            inwoners,
            cellen,
            start,
            flex_factor * float(behoefte.sum()),
        )
    regio = None
    if regiocapaciteit is not None:
        t = taakstelling
        opgave = np.maximum(
            0, t["taakstelling"] + t["achterstand"] - t["voorsprong"] - t["gerealiseerd"]
        ).to_numpy()
        regio = genereer_regiocapaciteit(
            gemeenten["arbeidsmarktregio_code"].to_numpy(), opgave, regiocapaciteit
        )
    return RondeTabellen(
        gemeenten=gemeenten,
        taakstelling=taakstelling,
        huishoudens=huishoudens,
        woningaanbod=woningaanbod,
        flexlocaties=flexlocaties,
        regiocapaciteit=regio,
    )


def kerncijfers(tabellen: RondeTabellen) -> dict[str, int]:
    """Key figures of a generated round (counts and persons), for summaries.

    Parameters
    ----------
    tabellen
        Typed tables as returned by `genereer_ronde`.

    Returns
    -------
    dict of str to int
        ``gemeenten, provincies, arbeidsmarktregios, huishoudens, personen,
        alleenstaanden, nareizigers, taakstelling, opgave`` (remaining need),
        ``woningen, woningen_capaciteit`` (persons), ``flexlocaties,
        flex_eenheden_vh`` (units open to vergunninghouders) and ``flex_capaciteit``.

    Examples
    --------
    >>> k = kerncijfers(genereer_ronde(6, 40, seed=1))
    >>> k["gemeenten"], k["huishoudens"]
    (6, 40)
    """
    g, t, h, w, f = (
        tabellen.gemeenten,
        tabellen.taakstelling,
        tabellen.huishoudens,
        tabellen.woningaanbod,
        tabellen.flexlocaties,
    )
    opgave = np.maximum(
        0, t["taakstelling"] + t["achterstand"] - t["voorsprong"] - t["gerealiseerd"]
    )
    cijfers = {
        "gemeenten": len(g),
        "provincies": int(g["provincie_code"].nunique()),
        "arbeidsmarktregios": int(g["arbeidsmarktregio_code"].nunique()),
        "huishoudens": len(h),
        "personen": int(h["personen"].sum()),
        "alleenstaanden": int((h["personen"] == 1).sum()),
        "nareizigers": int(h["nareizigers"].sum()),
        "taakstelling": int(t["taakstelling"].sum()),
        "opgave": int(opgave.sum()),
        "woningen": int(w["woningen"].sum()),
        "woningen_capaciteit": int(
            personencapaciteit(w["woningen"], w["max_personen"], w["max_per_woning"]).sum()
        ),
        "flexlocaties": 0,
        "flex_eenheden_vh": 0,
        "flex_capaciteit": 0,
    }
    if f is not None:
        vh = np.floor(f["max_aandeel_vh"].to_numpy() * f["eenheden"].to_numpy() + 1e-9)
        cijfers["flexlocaties"] = len(f)
        cijfers["flex_eenheden_vh"] = int(vh.sum())
        cijfers["flex_capaciteit"] = int(f["capaciteit_personen"].sum())
    return cijfers

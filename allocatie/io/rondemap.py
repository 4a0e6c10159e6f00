"""Write a round folder (``ronde.toml`` + tables) in the formats of ``data/SCHEMA.md``.

The folder is written atomically: everything goes to a hidden temporary sibling
folder first, which is then renamed into place. A reader never sees a half
written round, and a failure leaves an existing folder as it was.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from allocatie.synthetic import genereer_ronde
>>> doel = Path(tempfile.mkdtemp()) / "ronde"
>>> pad = schrijf_rondemap(genereer_ronde(4, 10, seed=3), doel, naam="Proef", periode="2025-I")
>>> sorted(p.name for p in pad.iterdir())  # doctest: +NORMALIZE_WHITESPACE
['.allocatie-uitvoer.json', 'flexlocaties.csv', 'gemeenten.geojson', 'huishoudens.csv',
 'ronde.toml', 'taakstelling.csv', 'woningaanbod.csv']
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from allocatie.io.atomisch import atomische_map
from allocatie.kern.errors import ConfiguratieFout, InvoerFout
from allocatie.kern.periode import Periode
from allocatie.kern.tabellen import RondeTabellen

__all__ = ["schrijf_rondemap"]

RD_EPSG = 28992

SOLVER_SLEUTELS: tuple[str, ...] = ("backend", "tijdslimiet_s", "gap_relatief", "threads", "seed")
"""Keys allowed in ``[solver]`` (the same set the reader accepts)."""

GEHELE_KOLOMMEN = frozenset(
    {
        "inwoners", "taakstelling", "achterstand", "voorsprong", "gerealiseerd", "personen",
        "nareizigers", "min_personen", "max_personen", "woningen", "max_per_woning", "eenheden",
        "capaciteit_personen", "max_per_eenheid",
    }
)  # fmt: skip
"""Integer columns of the schema: written without ``.0``, missing values as empty cells."""

DATUMKOLOMMEN = frozenset({"gereed_datum", "beschikbaar_vanaf", "beschikbaar_tot"})
"""Date columns of the schema: written as ISO dates (``2025-03-01``)."""

_CSV_TABELLEN = ("taakstelling", "huishoudens", "woningaanbod", "flexlocaties", "regiocapaciteit")


def _iso(waarde: object) -> object:
    if isinstance(waarde, dt.date | pd.Timestamp | np.datetime64) and not pd.isna(waarde):
        return pd.Timestamp(waarde).strftime("%Y-%m-%d")
    return waarde


def _voor_csv(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with ISO dates and integer columns free of float artefacts (``3.0``)."""
    uit = df.copy()
    for kolom in uit.columns:
        reeks = uit[kolom]
        if pd.api.types.is_datetime64_any_dtype(reeks):
            uit[kolom] = reeks.dt.strftime("%Y-%m-%d")
        elif kolom in DATUMKOLOMMEN and reeks.dtype == object:
            uit[kolom] = reeks.map(_iso)
        elif kolom in GEHELE_KOLOMMEN and pd.api.types.is_float_dtype(reeks):
            waarden = reeks.dropna()
            if np.isfinite(waarden).all() and (waarden == np.floor(waarden)).all():
                uit[kolom] = reeks.astype("Int64")
    return uit


def _toml_waarde(waarde: object, sleutel: str) -> str:
    """One TOML value: string, integer, float or boolean."""
    if isinstance(waarde, bool | np.bool_):
        return "true" if waarde else "false"
    if isinstance(waarde, int | np.integer):
        return str(int(waarde))
    if isinstance(waarde, float | np.floating):
        f = float(waarde)
        if math.isnan(f):
            return "nan"
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return repr(f)
    if isinstance(waarde, str):
        # JSON string escapes (\" \\ \n \t \uXXXX) are all valid TOML basic-string escapes.
        return json.dumps(waarde, ensure_ascii=False)
    raise ConfiguratieFout("verwacht tekst, een getal of true/false", kolom=sleutel, waarde=waarde)


def _ronde_toml(
    naam: str, periode: str, model: str, bestanden: dict[str, str], solver: dict[str, object]
) -> str:
    regels = ["[ronde]"]
    regels += [
        f"{k} = {_toml_waarde(v, k)}"
        for k, v in (("naam", naam), ("periode", periode), ("model", model))
    ]
    regels += ["", "[bestanden]"]
    regels += [f"{k} = {_toml_waarde(v, k)}" for k, v in bestanden.items()]
    if solver:
        regels += ["", "[solver]"]
        regels += [f"{k} = {_toml_waarde(v, f'solver.{k}')}" for k, v in solver.items()]
    return "\n".join(regels) + "\n"


def _in_rd(gemeenten: gpd.GeoDataFrame, tabel: str = "gemeenten") -> gpd.GeoDataFrame:
    """The layer in EPSG:28992 (reprojected when it has another CRS)."""
    if gemeenten.crs is None:
        raise InvoerFout(
            "de geometrie heeft geen CRS; zet het CRS (EPSG:28992, RD New) voor het schrijven",
            bestand=tabel,
        )
    if gemeenten.crs.to_epsg() != RD_EPSG:
        gemeenten = gemeenten.to_crs(epsg=RD_EPSG)
    return gemeenten.reset_index(drop=True)


def _punten_als_xy(gdf: gpd.GeoDataFrame, tabel: str) -> pd.DataFrame:
    """A point layer as a plain table with ``x``/``y`` in RD metres (for CSV)."""
    uit = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    if "x" not in uit.columns or "y" not in uit.columns:
        punten = _in_rd(gdf, tabel).geometry
        if not (punten.geom_type == "Point").all():
            raise InvoerFout("verwacht punten (of kolommen x en y)", bestand=tabel)
        uit["x"], uit["y"] = punten.x.to_numpy(), punten.y.to_numpy()
    return uit


def _controleer_doel(doel: Path, overschrijf: bool) -> None:
    if doel.exists() and not doel.is_dir():
        raise InvoerFout(
            "dit pad is een bestand, geen map; kies een map voor de ronde", bestand=doel
        )
    if not doel.is_dir() or not any(doel.iterdir()):
        return
    if not overschrijf:
        raise InvoerFout(
            "de map bestaat al en is niet leeg; kies een nieuwe map of overschrijf hem "
            "bewust (overschrijf=True, of --overschrijf op de opdrachtregel)",
            bestand=doel,
        )
    if not (doel / "ronde.toml").is_file():
        raise InvoerFout(
            "de map is niet leeg en bevat geen ronde.toml; alleen een bestaande rondemap wordt "
            "overschreven (zo verdwijnen er nooit andere bestanden); kies een lege of nieuwe map",
            bestand=doel,
        )


def _schrijf_inhoud(
    tabellen: RondeTabellen,
    map_: Path,
    *,
    naam: str,
    periode: str,
    model: str,
    solver: dict[str, object],
) -> None:
    bestanden: dict[str, str] = {}
    gemeenten = tabellen.gemeenten
    if isinstance(gemeenten, gpd.GeoDataFrame):
        _in_rd(gemeenten).to_file(map_ / "gemeenten.geojson", driver="GeoJSON", index=False)
        bestanden["gemeenten"] = "gemeenten.geojson"
    else:
        _voor_csv(gemeenten).to_csv(
            map_ / "gemeenten.csv", index=False, encoding="utf-8", lineterminator="\n"
        )
        bestanden["gemeenten"] = "gemeenten.csv"
    for tabel in _CSV_TABELLEN:
        df = getattr(tabellen, tabel)
        if df is None:
            continue
        if isinstance(df, gpd.GeoDataFrame):
            df = _punten_als_xy(df, tabel)
        bestand = f"{tabel}.csv"
        _voor_csv(df).to_csv(map_ / bestand, index=False, encoding="utf-8", lineterminator="\n")
        bestanden[tabel] = bestand
    tekst = _ronde_toml(naam, periode, model, bestanden, solver)
    (map_ / "ronde.toml").write_text(tekst, encoding="utf-8")


def schrijf_rondemap(
    tabellen: RondeTabellen,
    map: Path,
    *,
    naam: str,
    periode: str,
    model: str = "standaard",
    solver: dict[str, object] | None = None,
    overschrijf: bool = False,
) -> Path:
    """Write ``tabellen`` as a round folder with a ``ronde.toml``.

    Parameters
    ----------
    tabellen
        The round's tables. A GeoDataFrame ``gemeenten`` is written as
        ``gemeenten.geojson`` in EPSG:28992 (reprojected if needed, the CRS is
        recorded in the file); a plain DataFrame (with ``x``/``y``) as CSV. The
        other tables become UTF-8 CSV files without index, dates as ISO strings,
        integers without ``.0`` and missing values as empty cells. Absent
        optional tables (``None``) are left out of the folder and the TOML.
    map
        The folder to create. Its parent folders are created when missing.
    naam, periode, model
        The ``[ronde]`` section (``periode`` is ``JJJJ-I`` or ``JJJJ-II``).
    solver
        Optional ``[solver]`` section, e.g. ``{"backend": "highs", "tijdslimiet_s": 60}``.
    overschrijf
        Replace an existing, non-empty round folder (one with a ``ronde.toml``)
        that allocatie wrote, with no file added or changed since (see
        `allocatie.io.uitvoermap`). Without it such a folder is never touched.
        A non-empty folder without a ``ronde.toml`` is never replaced.

    Returns
    -------
    Path
        The written folder.

    Raises
    ------
    InvoerFout
        When the folder exists and may not be replaced, or a table cannot be written.
    ConfiguratieFout
        On an invalid ``naam``, ``periode`` or ``solver`` key/value.
    """
    doel = Path(map)
    if not isinstance(naam, str) or not naam.strip():
        raise ConfiguratieFout("de ronde heeft een naam nodig", kolom="ronde.naam", waarde=naam)
    if not isinstance(periode, str):
        raise ConfiguratieFout("periode moet tekst zijn", kolom="ronde.periode", waarde=periode)
    Periode.parse(periode)
    solver = dict(solver or {})
    for sleutel in solver:
        if sleutel not in SOLVER_SLEUTELS:
            raise ConfiguratieFout(
                f"onbekende sleutel in [solver]; geldig zijn {', '.join(sorted(SOLVER_SLEUTELS))}",
                kolom=f"solver.{sleutel}",
            )
    _controleer_doel(doel, overschrijf)
    try:
        # Write to a temporary sibling folder that replaces ``doel`` at once.
        # The rules of an output folder apply: only a round folder allocatie wrote (and
        # nobody changed since) is replaced.
        with atomische_map(doel, overschrijf=overschrijf) as tijdelijk:
            _schrijf_inhoud(
                tabellen, tijdelijk, naam=naam, periode=periode, model=model, solver=solver
            )
    except OSError as exc:
        raise InvoerFout(f"kan de rondemap niet schrijven: {exc}", bestand=doel) from exc
    return doel

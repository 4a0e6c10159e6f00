"""The round archive: one GeoPackage per round, and the next round's carry-over from it.

`schrijf_archief` writes everything a round used and decided into one
GeoPackage (EPSG:28992) that QGIS opens; `lees_archief` reads it back and
`vorige_uit_archief` turns it into the previous-period table that
`allocatie.ronde.taakstelling.pas_overloop_toe` takes, so the carry-over rule lives in
one place only. `allocatie ronde` writes the archive as ``ronde.gpkg`` into its
output folder (`allocatie.reports.uitvoer.schrijf_uitvoer`).

The code is split along the archive's life: its format (layer names, version:
`allocatie.archief.formaat`), building the layers
(`allocatie.reports.archieflagen`), writing (this module) and reading with the
carry-over (`allocatie.archief.lezen`, on the input side: a round reads the
previous round's archive). Everything public is importable from here.

Layers, in the order QGIS lists them (names sort as input, result, round):

==========================  =========  ================================================
layer                       geometry   content
==========================  =========  ================================================
``invoer_gemeenten``        area       gemeenten with inwoners and the input figures
                                       (taakstelling, achterstand, voorsprong,
                                       gerealiseerd) and the representative point x/y
``invoer_woningaanbod``     none       regular supply, columns of ``woningaanbod.csv``
``invoer_flexlocaties``     point      flexible sites, columns of ``flexlocaties.csv``
``invoer_huishoudens``      none       pseudonymous id and the fields a placement needs
                                       (the columns of ``huishoudens.csv``, nothing else)
``invoer_regiocapaciteit``  none       region capacities (possibly empty)
``invoer_vastleggingen``    none       locks and bans, without the free-text
                                       ``toelichting`` (data minimisation)
``resultaat_gemeenten``     area       the round's per-gemeente table plus the status
                                       against the task and the carry-over it leaves
``resultaat_woningaanbod``  none       use of each regular option
``resultaat_flexlocaties``  point      units, occupancy and share of vergunninghouders
``resultaat_plaatsingen``   line       one per placed household, from the azc gemeente's
                                       representative point to the destination
``resultaat_onbediend``     none       unplaced households and why
``ronde_metadata``          none       ``sleutel``/``waarde``: round, preset, solver,
                                       levels, input hashes, software, timestamps
``layer_styles``            none       QGIS's table of layer styles: a default style
                                       per map layer (`allocatie.reports.qgisstijl`),
                                       so the layers open coloured
==========================  =========  ================================================

Gemeenten without boundaries (a CSV with ``x``/``y``) are written as points at
that representative point, not as buffers: a made-up circle would look like a
boundary, and its area or overlaps would mean something that is not true.

The whole file is built under its own name in a temporary folder next to the
target (GDAL wants the ``.gpkg`` extension) and moved into place atomically
(`allocatie.io.atomisch.atomisch_pad`); an existing archive is only replaced
with ``overschrijf=True``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from allocatie.archief.formaat import ARCHIEF_VERSIE, GEOMETRIE, LAGEN, PadLike
from allocatie.archief.lezen import (
    RondeArchief,
    is_geopackage,
    lees_archief,
    lees_vorige_periode,
    volgende_periode,
    vorige_uit_archief,
)
from allocatie.io.atomisch import atomisch_pad
from allocatie.kern.errors import InvoerFout
from allocatie.reports.archieflagen import archief_lagen
from allocatie.reports.qgisstijl import STIJLLAGEN, schrijf_stijlen
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance

__all__ = [
    "ARCHIEF_VERSIE",
    "LAGEN",
    "RondeArchief",
    "archief_lagen",
    "controleer_archiefpad",
    "is_geopackage",
    "kopieer_archief",
    "lees_archief",
    "lees_vorige_periode",
    "schrijf_archief",
    "volgende_periode",
    "vorige_uit_archief",
]


def _geometrietype(naam: str, df: gpd.GeoDataFrame) -> str:
    """The layer's geometry type: fixed per layer (an empty layer has no geometries to
    tell); gemeenten are boundaries, Polygon and MultiPolygon in one layer type, or points."""
    soort = GEOMETRIE.get(naam)
    if soort is None:
        soort = "Point" if set(df.geometry.geom_type) <= {"Point"} else "MultiPolygon"
    return soort


def _schrijf_laag(pad: Path, naam: str, df: pd.DataFrame) -> None:
    titel, beschrijving = LAGEN[naam]
    opties: dict[str, Any] = {
        "driver": "GPKG",
        "layer": naam,
        "layer_options": {"IDENTIFIER": titel, "DESCRIPTION": beschrijving},
    }
    if isinstance(df, gpd.GeoDataFrame):
        soort = _geometrietype(naam, df)
        opties |= {"geometry_type": soort, "promote_to_multi": soort == "MultiPolygon"}
    pyogrio.write_dataframe(df, pad, **opties)


def _stijlgeometrie(lagen: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Per map layer the kind of symbol its QGIS style needs (`schrijf_stijlen`)."""
    soort = {"Point": "punt", "LineString": "lijn", "MultiPolygon": "vlak"}
    return {
        naam: soort[_geometrietype(naam, df)]
        for naam, df in lagen.items()
        if isinstance(df, gpd.GeoDataFrame) and naam in STIJLLAGEN
    }


def controleer_archiefpad(pad: PadLike, *, overschrijf: bool = False) -> Path:
    """Check, before any work, that an archive may be written at ``pad``.

    Raises
    ------
    InvoerFout
        When ``pad`` does not end in ``.gpkg``, is a folder, or exists while
        ``overschrijf`` is False.
    """
    doel = Path(pad)
    if doel.suffix.lower() != ".gpkg" or doel.is_dir():
        raise InvoerFout(
            "een rondearchief is een GeoPackage; geef een bestandsnaam die eindigt op .gpkg",
            bestand=doel,
        )
    if doel.exists() and not overschrijf:
        raise InvoerFout(
            "het rondearchief bestaat al en wordt niet overschreven; kies een ander pad of "
            "gebruik --overschrijf (Python: overschrijf=True)",
            bestand=doel,
        )
    return doel


def schrijf_archief(
    inst: Instance,
    res: AllocationResult,
    pad: PadLike,
    *,
    overschrijf: bool = False,
    gestart: dt.datetime | None = None,
    klaar: dt.datetime | None = None,
) -> Path:
    """Write the round archive: one GeoPackage (EPSG:28992) that QGIS opens.

    Parameters
    ----------
    inst, res
        The round and its (verified) result.
    pad
        The archive, a ``.gpkg`` file; its folder must exist.
    overschrijf
        Replace an existing archive; without it that is an error, so an earlier
        round's archive is never lost silently.
    gestart, klaar
        Start and end of the run, for the metadata. Default: ``klaar`` is the
        moment of writing and ``gestart`` is ``klaar`` minus the solve's wall time.

    Returns
    -------
    Path
        The written archive.

    Raises
    ------
    InvoerFout
        When ``pad`` does not end in ``.gpkg``, exists and ``overschrijf`` is
        False, or its folder does not exist. Nothing is written then, and an
        interrupted write leaves neither a file nor a temporary file behind.
    """
    doel = controleer_archiefpad(pad, overschrijf=overschrijf)
    lagen = archief_lagen(inst, res, gestart=gestart, klaar=klaar)
    with atomisch_pad(doel) as tijdelijk:
        # GDAL wants the .gpkg extension: build the file under its own name in a
        # temporary folder next to the target, then hand it to atomisch_pad.
        with tempfile.TemporaryDirectory(prefix=f".{doel.name}.", dir=doel.parent) as map_:
            bestand = Path(map_) / doel.name
            for naam, df in lagen.items():
                _schrijf_laag(bestand, naam, df)
            schrijf_stijlen(
                bestand,
                _stijlgeometrie(lagen),
                kolommen={n: [str(k) for k in df.columns] for n, df in lagen.items()},
                moment=klaar,
            )
            os.replace(bestand, tijdelijk)
    return doel


def kopieer_archief(bron: PadLike, pad: PadLike, *, overschrijf: bool = False) -> Path:
    """Copy a written archive (e.g. ``ronde.gpkg`` of an output folder) to ``pad``, atomically.

    The copy is byte for byte the same archive, so both places hold the same
    round. The same rules as `schrijf_archief` apply to ``pad``.

    Raises
    ------
    InvoerFout
        When ``pad`` does not end in ``.gpkg``, exists and ``overschrijf`` is
        False, or its folder does not exist.
    """
    doel = controleer_archiefpad(pad, overschrijf=overschrijf)
    with atomisch_pad(doel) as tijdelijk:
        shutil.copyfile(bron, tijdelijk)
    return doel

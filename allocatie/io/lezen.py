"""Read a round folder (``ronde.toml`` + tables) into `RondeConfig` and `RondeTabellen`.

Readers return the tables as the user gave them: CSV cells as strings (so that
validation sees exactly what is in the file, see `lees_csv`), geodata as
GeoDataFrames in the file's own CRS. Typing and checking happen in
`allocatie.io.kolommen` and `allocatie.invoer.validate`. The CSV reader itself
(`lees_csv`, comma and semicolon files) is `allocatie.io.csvlezer`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from allocatie.io.csvlezer import lees_csv as lees_csv
from allocatie.io.tomllezer import TomlLezer, in_bestand, lees_toml
from allocatie.io.werkboeklezer import (
    RONDEBLAD,
    bladbron,
    lees_blad,
    lees_rondeblad,
    werkbladen,
)
from allocatie.kern.errors import InvoerFout, meld
from allocatie.kern.periode import Periode
from allocatie.kern.tabellen import RondeTabellen

GEO_EXTENSIES = {".geojson", ".json", ".gpkg", ".shp", ".fgb", ".topojson", ".gml"}
VERPLICHTE_BESTANDEN = ("gemeenten", "taakstelling", "huishoudens", "woningaanbod")
OPTIONELE_BESTANDEN = ("flexlocaties", "regiocapaciteit", "reistijden", "vastleggingen")
SOLVER_SLEUTELS = {"backend", "tijdslimiet_s", "gap_relatief", "threads", "seed"}


@dataclass(frozen=True)
class RondeConfig:
    """The parsed ``ronde.toml``.

    Attributes
    ----------
    naam, periode, model
        Round name, half-year (``2025-I``) and preset name or path.
    solver
        The ``[solver]`` table (validated keys; values checked by `SolverOpties`).
    map
        Folder of the ``ronde.toml``; relative paths resolve against it.
    bestanden
        Table name -> resolved path.
    rondebestand
        The ``ronde.toml`` itself (for messages).
    """

    naam: str
    periode: str
    model: str
    solver: dict[str, Any]
    map: Path
    bestanden: dict[str, Path] = field(default_factory=dict)
    rondebestand: Path | None = None


def splits_laag(spec: str) -> tuple[str, str | None]:
    """Split a file specification into its path and, for a GeoPackage, its layer.

    Shared by the readers here and in `allocatie.spatial`.

    Parameters
    ----------
    spec
        ``"pad"`` or ``"pad.gpkg:laag"``; a Windows drive letter (``"C:..."``)
        is not a layer.

    Returns
    -------
    tuple[str, str | None]
        The path and the layer (``None`` when none is named).

    Examples
    --------
    >>> splits_laag("grenzen.gpkg:gemeenten")
    ('grenzen.gpkg', 'gemeenten')
    >>> splits_laag("C:huishoudens.csv")
    ('C:huishoudens.csv', None)
    """
    if ":" in spec:
        pad, laag = spec.rsplit(":", 1)
        if pad and laag and not (len(pad) == 1 and pad.isalpha()):
            return pad, laag
    return spec, None


def lees_tabel(spec: str | os.PathLike[str], *, naam: str = "tabel") -> pd.DataFrame:
    """Read one table: CSV as strings (`lees_csv`), or any GDAL vector file as a GeoDataFrame.

    Parameters
    ----------
    spec
        A path, optionally ``pad.gpkg:laag`` to name a layer or ``pad.xlsx:blad`` a
        sheet (`allocatie.io.werkboeklezer.lees_blad`; default: the sheet ``naam``).
    naam
        Table name for messages.
    """
    pad_tekst, laag = splits_laag(str(spec))
    pad = Path(pad_tekst)
    if not pad.exists():
        raise InvoerFout(f"bestand voor tabel '{naam}' bestaat niet", bestand=pad)
    if pad.suffix.lower() in GEO_EXTENSIES:
        try:
            gdf = gpd.read_file(pad, layer=laag) if laag else gpd.read_file(pad)
        except Exception as exc:  # pyogrio raises several types
            raise InvoerFout(f"kan geobestand niet lezen: {exc}", bestand=str(spec)) from exc
        return gdf
    if pad.suffix.lower() == ".xlsx":
        return lees_blad(pad, laag or naam)
    if pad.suffix.lower() not in {".csv", ".txt"}:
        raise InvoerFout(
            "onbekend bestandstype; gebruik CSV, een Excel-werkmap (.xlsx) of een geobestand "
            "(GeoJSON, GeoPackage, ...)",
            bestand=pad,
        )
    return lees_csv(pad)


def bestand_hash(pad: Path) -> str:
    """SHA-256 of a file (for the round's metadata); ``pad.gpkg:laag`` hashes the file."""
    h = hashlib.sha256()
    with open(splits_laag(str(pad))[0], "rb") as f:
        for blok in iter(lambda: f.read(1 << 20), b""):
            h.update(blok)
    return h.hexdigest()


def lees_config(pad: str | Path) -> RondeConfig:
    """Parse and check ``ronde.toml`` (`allocatie.io.tomllezer`: unknown keys are errors).

    A folder means its ``ronde.toml`` or, when it has none, its ``ronde.xlsx``; a
    workbook is read by `werkboekconfig`.
    """
    pad = Path(pad)
    if pad.is_dir():
        toml, xlsx = pad / "ronde.toml", pad / "ronde.xlsx"
        pad = xlsx if xlsx.is_file() and not toml.exists() else toml
    if pad.suffix.lower() == ".xlsx":
        return werkboekconfig(pad)
    data, _ = lees_toml(pad, soort="rondebestand")
    lz = TomlLezer(pad)
    lz.secties(data, ("ronde", "bestanden", "solver"))
    ronde = lz.tabel(data.get("ronde", {}), "ronde", ("naam", "periode", "model"))
    for sleutel in ("naam", "periode"):
        lz.tekst(lz.verplicht(ronde, sleutel, "ronde"), f"ronde.{sleutel}")
    with in_bestand(pad):
        Periode.parse(ronde["periode"])
    model = lz.tekst(ronde["model"], "ronde.model") if "model" in ronde else "standaard"
    toegestaan = (*VERPLICHTE_BESTANDEN, *OPTIONELE_BESTANDEN)
    bestanden = lz.tabel(data.get("bestanden", {}), "bestanden", toegestaan, soort="tabel")
    paden: dict[str, Path] = {}
    for sleutel in toegestaan:
        if sleutel not in bestanden:
            if sleutel in VERPLICHTE_BESTANDEN:
                raise lz.fout("verplicht bestand niet opgegeven", f"bestanden.{sleutel}")
            continue
        waarde = bestanden[sleutel]
        if not isinstance(waarde, str):
            raise lz.fout("verwacht een pad (tekst)", f"bestanden.{sleutel}", waarde)
        paden[sleutel] = pad.parent / waarde
    solver = lz.tabel(data.get("solver", {}), "solver", SOLVER_SLEUTELS)
    return RondeConfig(
        naam=ronde["naam"].strip(),
        periode=ronde["periode"].strip(),
        model=model,
        solver=dict(solver),
        map=pad.parent,
        bestanden=paden,
        rondebestand=pad,
    )


def _bron(pad: Path, naam: str) -> str:
    """A table's source for messages: the file, or ``werkboek.xlsx [blad naam]``."""
    bestand, blad = splits_laag(str(pad))
    if Path(bestand).suffix.lower() == ".xlsx":
        return bladbron(bestand, blad or naam)
    return str(pad)


def werkboekconfig(pad: Path) -> RondeConfig:
    """The configuration of a round given as one workbook (`allocatie.io.werkboeklezer`).

    Settings come from the sheet ``ronde`` (``sleutel``, ``waarde``): ``naam``,
    ``periode``, optionally ``model`` and the solver keys of ``ronde.toml``. Every
    required table has a sheet of its name; an optional table's sheet counts when
    it has at least one data row (an empty template sheet is no table).
    """
    instellingen = lees_rondeblad(pad)
    lz = TomlLezer(bladbron(pad, RONDEBLAD))
    sleutels = ("naam", "periode", "model", *sorted(SOLVER_SLEUTELS))
    lz.tabel(instellingen, RONDEBLAD, sleutels)
    naam = lz.tekst(lz.verplicht(instellingen, "naam", RONDEBLAD), "ronde.naam")
    periode = str(lz.verplicht(instellingen, "periode", RONDEBLAD)).strip()
    with in_bestand(lz.pad):
        Periode.parse(periode)
    model = lz.tekst(instellingen["model"], "ronde.model") if "model" in instellingen else None
    bladen = werkbladen(pad)
    paden: dict[str, Path] = {}
    for tabel in (*VERPLICHTE_BESTANDEN, *OPTIONELE_BESTANDEN):
        if tabel not in bladen:
            if tabel in VERPLICHTE_BESTANDEN:
                raise InvoerFout(
                    f"werkblad '{tabel}' ontbreekt; een ronde heeft de bladen "
                    f"{', '.join(VERPLICHTE_BESTANDEN)} (en optioneel "
                    f"{', '.join(OPTIONELE_BESTANDEN)})",
                    bestand=pad,
                )
            continue
        if tabel in OPTIONELE_BESTANDEN and len(lees_blad(pad, tabel)) == 0:
            continue
        paden[tabel] = Path(f"{pad}:{tabel}")
    return RondeConfig(
        naam=naam,
        periode=periode,
        model=model or "standaard",
        solver={k: v for k, v in instellingen.items() if k in SOLVER_SLEUTELS},
        map=pad.parent,
        bestanden=paden,
        rondebestand=pad,
    )


def lees_tabellen(config: RondeConfig) -> RondeTabellen:
    """Read every table a round's configuration names.

    Inside `allocatie.kern.errors.verzamel` every file is read before an
    unreadable one stops the load, so the errors of all files are reported.
    """
    tabellen: dict[str, pd.DataFrame | None] = {}
    bronnen: dict[str, str] = {}
    onleesbaar: InvoerFout | None = None
    for sleutel, pad in config.bestanden.items():
        bronnen[sleutel] = _bron(pad, sleutel)
        try:
            tabellen[sleutel] = lees_tabel(pad, naam=sleutel)
        except InvoerFout as fout:
            meld(fout)  # raises, unless errors are collected: then read the other files too
            tabellen[sleutel], onleesbaar = None, fout
    if onleesbaar is not None:
        raise onleesbaar  # a table is missing: validation cannot go on
    return RondeTabellen(
        gemeenten=tabellen["gemeenten"],
        taakstelling=tabellen["taakstelling"],
        huishoudens=tabellen["huishoudens"],
        woningaanbod=tabellen["woningaanbod"],
        flexlocaties=tabellen.get("flexlocaties"),
        regiocapaciteit=tabellen.get("regiocapaciteit"),
        reistijden=tabellen.get("reistijden"),
        vastleggingen=tabellen.get("vastleggingen"),
        bronnen=bronnen,
    )

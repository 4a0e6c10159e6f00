"""Read a round folder (``ronde.toml`` + tables) into `RondeConfig` and `RondeTabellen`.

Readers return the tables as the user gave them: CSV cells as strings (so that
validation sees exactly what is in the file), geodata as GeoDataFrames in the
file's own CRS. Typing and checking happen in `allocatie.validate`.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from allocatie.errors import ConfiguratieFout, InvoerFout
from allocatie.instance import Periode
from allocatie.tabellen import RondeTabellen

GEO_EXTENSIES = {".geojson", ".json", ".gpkg", ".shp", ".fgb", ".topojson", ".gml"}
VERPLICHTE_BESTANDEN = ("gemeenten", "taakstelling", "huishoudens", "woningaanbod")
OPTIONELE_BESTANDEN = ("flexlocaties", "regiocapaciteit")
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


def _splits_laag(spec: str) -> tuple[str, str | None]:
    """``"pad.gpkg:laag"`` -> (pad, laag); a Windows drive letter is not a layer."""
    if ":" in spec:
        pad, laag = spec.rsplit(":", 1)
        if pad and laag and not (len(pad) == 1 and pad.isalpha()):
            return pad, laag
    return spec, None


def lees_tabel(spec: str | Path, *, naam: str = "tabel") -> pd.DataFrame:
    """Read one table: CSV as strings, or any GDAL vector file as a GeoDataFrame.

    Parameters
    ----------
    spec
        A path, optionally ``pad.gpkg:laag`` to name a layer.
    naam
        Table name for messages.
    """
    pad_tekst, laag = _splits_laag(str(spec))
    pad = Path(pad_tekst)
    if not pad.exists():
        raise InvoerFout(f"bestand voor tabel '{naam}' bestaat niet", bestand=pad)
    if pad.suffix.lower() in GEO_EXTENSIES:
        try:
            gdf = gpd.read_file(pad, layer=laag) if laag else gpd.read_file(pad)
        except Exception as exc:  # pyogrio raises several types
            raise InvoerFout(f"kan geobestand niet lezen: {exc}", bestand=spec) from exc
        return gdf
    if pad.suffix.lower() not in {".csv", ".txt"}:
        raise InvoerFout(
            "onbekend bestandstype; gebruik CSV of een geobestand (GeoJSON, GeoPackage, ...)",
            bestand=pad,
        )
    try:
        df = pd.read_csv(pad, dtype=str, keep_default_na=False, encoding="utf-8")
        # The header as written: pandas renames a repeated name ("a" -> "a.1") silently.
        kop = pd.read_csv(
            pad, dtype=str, keep_default_na=False, encoding="utf-8", header=None, nrows=1
        ).iloc[0]
    except UnicodeDecodeError as exc:
        raise InvoerFout("bestand is geen UTF-8; sla het op als CSV UTF-8", bestand=pad) from exc
    except pd.errors.ParserError as exc:
        raise InvoerFout(f"geen geldige CSV: {exc}", bestand=pad) from exc
    except pd.errors.EmptyDataError as exc:
        raise InvoerFout("bestand is leeg; verwacht minstens een kopregel", bestand=pad) from exc
    if not isinstance(df.index, pd.RangeIndex):  # pandas took column 1 as index: all shifted
        raise InvoerFout(
            "de rijen hebben meer velden dan de kopregel (een komma te veel aan het eind?)",
            bestand=pad,
            rij=2,
        )
    df.columns = [str(c).strip() for c in df.columns]
    namen = [str(c).strip() for c in kop.tolist()]
    for i, kolom in enumerate(namen):
        if kolom and kolom in namen[:i]:
            raise InvoerFout(
                "dubbele kolom in de kopregel; elke kolomnaam mag maar één keer voorkomen",
                bestand=pad,
                rij=1,
                kolom=kolom,
            )
    return df


def bestand_hash(pad: Path) -> str:
    """SHA-256 of a file (for the round's metadata); ``pad.gpkg:laag`` hashes the file."""
    h = hashlib.sha256()
    with open(_splits_laag(str(pad))[0], "rb") as f:
        for blok in iter(lambda: f.read(1 << 20), b""):
            h.update(blok)
    return h.hexdigest()


def lees_config(pad: str | Path) -> RondeConfig:
    """Parse and check ``ronde.toml`` (unknown keys are errors)."""
    pad = Path(pad)
    if pad.is_dir():
        pad = pad / "ronde.toml"
    if not pad.exists():
        raise ConfiguratieFout("rondebestand bestaat niet", bestand=pad)
    try:
        data = tomllib.loads(pad.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfiguratieFout(f"geen geldige TOML: {exc}", bestand=pad) from exc
    onbekend = sorted(set(data) - {"ronde", "bestanden", "solver"})
    if onbekend:
        raise ConfiguratieFout(
            "onbekende sectie; geldig zijn [ronde], [bestanden], [solver]",
            bestand=pad,
            kolom=onbekend[0],
        )
    ronde = data.get("ronde", {})
    for sleutel in sorted(set(ronde) - {"naam", "periode", "model"}):
        raise ConfiguratieFout(
            "onbekende sleutel in [ronde]; geldig zijn naam, periode, model",
            bestand=pad,
            kolom=f"ronde.{sleutel}",
        )
    for sleutel in ("naam", "periode"):
        if not isinstance(ronde.get(sleutel), str) or not ronde[sleutel].strip():
            raise ConfiguratieFout(
                "verplichte sleutel ontbreekt", bestand=pad, kolom=f"ronde.{sleutel}"
            )
    try:
        Periode.parse(ronde["periode"])
    except ConfiguratieFout as exc:
        raise ConfiguratieFout(
            exc.bericht, bestand=pad, kolom=exc.kolom, waarde=exc.waarde
        ) from None
    bestanden = data.get("bestanden", {})
    toegestaan = set(VERPLICHTE_BESTANDEN) | set(OPTIONELE_BESTANDEN)
    for sleutel in sorted(set(bestanden) - toegestaan):
        raise ConfiguratieFout(
            f"onbekende tabel in [bestanden]; geldig zijn {', '.join(sorted(toegestaan))}",
            bestand=pad,
            kolom=f"bestanden.{sleutel}",
        )
    paden: dict[str, Path] = {}
    for sleutel in (*VERPLICHTE_BESTANDEN, *OPTIONELE_BESTANDEN):
        if sleutel not in bestanden:
            if sleutel in VERPLICHTE_BESTANDEN:
                raise ConfiguratieFout(
                    "verplicht bestand niet opgegeven", bestand=pad, kolom=f"bestanden.{sleutel}"
                )
            continue
        waarde = bestanden[sleutel]
        if not isinstance(waarde, str):
            raise ConfiguratieFout(
                "verwacht een pad (tekst)", bestand=pad, kolom=f"bestanden.{sleutel}", waarde=waarde
            )
        paden[sleutel] = pad.parent / waarde
    solver = data.get("solver", {})
    for sleutel in sorted(set(solver) - SOLVER_SLEUTELS):
        raise ConfiguratieFout(
            f"onbekende sleutel in [solver]; geldig zijn {', '.join(sorted(SOLVER_SLEUTELS))}",
            bestand=pad,
            kolom=f"solver.{sleutel}",
        )
    return RondeConfig(
        naam=ronde["naam"].strip(),
        periode=ronde["periode"].strip(),
        model=str(ronde.get("model", "standaard")),
        solver=dict(solver),
        map=pad.parent,
        bestanden=paden,
        rondebestand=pad,
    )


def lees_tabellen(config: RondeConfig) -> RondeTabellen:
    """Read every table a round's configuration names."""
    tabellen: dict[str, pd.DataFrame | None] = {}
    bronnen: dict[str, str] = {}
    for sleutel, pad in config.bestanden.items():
        tabellen[sleutel] = lees_tabel(pad, naam=sleutel)
        bronnen[sleutel] = str(pad)
    return RondeTabellen(
        gemeenten=tabellen["gemeenten"],
        taakstelling=tabellen["taakstelling"],
        huishoudens=tabellen["huishoudens"],
        woningaanbod=tabellen["woningaanbod"],
        flexlocaties=tabellen.get("flexlocaties"),
        regiocapaciteit=tabellen.get("regiocapaciteit"),
        bronnen=bronnen,
    )

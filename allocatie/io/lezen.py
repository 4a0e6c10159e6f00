"""Read a round folder (``ronde.toml`` + tables) into `RondeConfig` and `RondeTabellen`.

Readers return the tables as the user gave them: CSV cells as strings (so that
validation sees exactly what is in the file, see `lees_csv`), geodata as
GeoDataFrames in the file's own CRS. Typing and checking happen in
`allocatie.io.kolommen` and `allocatie.invoer.validate`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from allocatie.io.kolommen import rijnummer
from allocatie.io.schema import bedoelde_u, weiger_beschermde_sleutels
from allocatie.kern.errors import ConfiguratieFout, InvoerFout
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


def _is_lege_rij(record: list[str]) -> bool:
    return not any(c.strip() for c in record)


def lees_csv(pad: str | os.PathLike[str], *, kolommen: Sequence[str] = ()) -> pd.DataFrame:
    """Read a CSV file as text: one string column per header name, one row per data row.

    The :mod:`csv` module is used, not :func:`pandas.read_csv`, so that row
    numbers stay exact (pandas drops blank lines), a repeated column name is an
    error (pandas renames it silently) and no value is ever converted.

    Rules:

    - UTF-8, with or without a BOM (Excel's "CSV UTF-8"); comma-separated,
      double quotes around a value that holds a comma, quote or line break.
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
        only a header.

    Raises
    ------
    InvoerFout
        Naming the file (and the row, and column where one is at fault): a
        missing file or a folder, not UTF-8, an empty file or blank header, a
        semicolon-separated file, a repeated column name, broken quoting, a row
        with another number of fields than the header, or a blank row between
        data rows.

    Examples
    --------
    >>> import tempfile
    >>> pad = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = pad.write_text("code , n\\nGM0014, 7 \\n,\\n")
    >>> lees_csv(pad).to_dict("list")
    {'code': ['GM0014'], 'n': ['7']}
    """
    bestand = Path(pad)
    if bestand.is_dir():
        raise InvoerFout("dit pad is een map, geen CSV-bestand", bestand=bestand)
    try:
        data = bestand.read_bytes()
    except FileNotFoundError as exc:
        raise InvoerFout("bestand bestaat niet; controleer het pad", bestand=bestand) from exc
    except PermissionError as exc:
        raise InvoerFout("bestand kan niet worden gelezen (geen rechten)", bestand=bestand) from exc
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        tekst = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        regel = data[: exc.start].count(b"\n") + 1
        raise InvoerFout(
            f"bestand is geen UTF-8 (ongeldig teken op regel {regel}); sla het op als "
            "'CSV UTF-8 (door komma's gescheiden)'",
            bestand=bestand,
        ) from exc

    records: list[list[str]] = []
    try:
        records.extend(csv.reader(io.StringIO(tekst, newline=""), strict=True))
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
    if len(kop) == 1 and ";" in kop[0]:
        raise InvoerFout(
            "het bestand lijkt puntkomma's als scheidingsteken te gebruiken; sla het op met "
            "komma's als scheidingsteken ('CSV UTF-8 (door komma's gescheiden)')",
            bestand=bestand,
            rij=1,
        )
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
                soort = "meer velden dan de kopregel; een komma te veel aan het eind?"
            else:
                soort = f"{'meer' if meer else 'minder'} velden dan de kopregel"
            raise InvoerFout(
                f"deze rij heeft {len(record)} velden, de kopregel heeft er {len(kop)} ({soort}); "
                "controleer komma's en aanhalingstekens",
                bestand=bestand,
                rij=rijnummer(i),
            )
    return pd.DataFrame(
        {naam: pd.Series([r[j].strip() for r in rijen], dtype=object) for j, naam in enumerate(kop)}
    )


def lees_tabel(spec: str | os.PathLike[str], *, naam: str = "tabel") -> pd.DataFrame:
    """Read one table: CSV as strings (`lees_csv`), or any GDAL vector file as a GeoDataFrame.

    Parameters
    ----------
    spec
        A path, optionally ``pad.gpkg:laag`` to name a layer.
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
    if pad.suffix.lower() not in {".csv", ".txt"}:
        raise InvoerFout(
            "onbekend bestandstype; gebruik CSV of een geobestand (GeoJSON, GeoPackage, ...)",
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
    weiger_beschermde_sleutels(data, pad)
    secties = ("ronde", "bestanden", "solver")
    onbekend = sorted(set(data) - set(secties))
    if onbekend:
        raise ConfiguratieFout(
            "onbekende sectie; geldig zijn [ronde], [bestanden], [solver]"
            + bedoelde_u(onbekend[0], secties),
            bestand=pad,
            kolom=onbekend[0],
        )
    for sectie in secties:
        if not isinstance(data.get(sectie, {}), dict):
            raise ConfiguratieFout(
                f"verwacht een sectie [{sectie}] met sleutels, geen losse waarde",
                bestand=pad,
                kolom=sectie,
            )
    ronde = data.get("ronde", {})
    for sleutel in sorted(set(ronde) - {"naam", "periode", "model"}):
        raise ConfiguratieFout(
            "onbekende sleutel in [ronde]; geldig zijn naam, periode, model"
            + bedoelde_u(sleutel, ("naam", "periode", "model")),
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
            f"onbekende tabel in [bestanden]; geldig zijn {', '.join(sorted(toegestaan))}"
            + bedoelde_u(sleutel, sorted(toegestaan)),
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
            f"onbekende sleutel in [solver]; geldig zijn {', '.join(sorted(SOLVER_SLEUTELS))}"
            + bedoelde_u(sleutel, sorted(SOLVER_SLEUTELS)),
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
        reistijden=tabellen.get("reistijden"),
        vastleggingen=tabellen.get("vastleggingen"),
        bronnen=bronnen,
    )

"""The spatial adapter: files to a `Locatieprobleem` (gemeenten, demand, candidates, travel times).

- gemeenten: a boundary file (GeoPackage layer, GeoJSON, ...) with a code and a
  name column (PDOK's ``statcode``/``statnaam`` or the round's
  ``gemeente_code``/``gemeente_naam``, found automatically); a gemeente's point is
  its representative point, its area gives the intra-gemeente travel time;
- demand: a CSV ``gemeente_code,<gewicht>`` (e.g. ``inwoners`` or expected
  clients); only its gemeenten are demand points;
- candidates: a CSV or point file with ``locatie_id`` and optionally ``naam``,
  ``gemeente_code``, ``x``/``y`` (RD metres; or a point geometry),
  ``capaciteit`` (empty: no limit), ``vast`` and ``huidig`` (``ja``/``nee``);
  without coordinates a site lies at its gemeente's point; without a file every
  gemeente is a candidate;
- travel times: the project's estimate (`allocatie.spatial.reistijd`), or an
  origin-destination file at gemeente level (a site takes its gemeente's column).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from allocatie.io import kolommen as k
from allocatie.io.lezen import lees_tabel, splits_laag
from allocatie.kern.errors import InvoerFout
from allocatie.locaties.probleem import Locatieprobleem
from allocatie.spatial.grenzen import STANDAARD_LAGEN, GrensBron, lees_grenzen
from allocatie.spatial.punten import koppel_aan_gemeenten, lees_punten
from allocatie.spatial.reistijd import lees_reistijden, reistijdmatrix, schat_reistijden

__all__ = ["LocatieInvoer", "bouw_probleem", "lees_gemeenten", "lees_kandidaten", "lees_vraag"]

#: Accepted values of the yes/no columns ``vast`` and ``huidig``.
JA = ("ja", "j", "1", "waar", "true")
NEE = ("nee", "n", "0", "onwaar", "false", "")


@dataclass(frozen=True)
class LocatieInvoer:
    """What `bouw_probleem` read: the problem plus the map layers and the sets the file named."""

    probleem: Locatieprobleem
    gemeenten: gpd.GeoDataFrame
    huidig: tuple[str, ...]
    bestanden: tuple[Path, ...]


def _kolommen_van(spec: str) -> list[str]:
    pad, laag = splits_laag(spec)
    if not Path(pad).exists():
        raise InvoerFout("bestand niet gevonden", bestand=pad)
    if laag is None and Path(pad).suffix.lower() == ".gpkg":
        lagen = [str(r[0]) for r in pyogrio.list_layers(pad)]
        if len(lagen) > 1 and STANDAARD_LAGEN["gemeente"] in lagen:
            laag = STANDAARD_LAGEN["gemeente"]
    return list(pyogrio.read_info(pad, layer=laag)["fields"])


def lees_gemeenten(spec: str | Path) -> gpd.GeoDataFrame:
    """Gemeente polygons with ``code``, ``naam``, ``x``, ``y`` (representative point) and
    ``oppervlak_km2``; the code column is ``gemeente_code`` or ``statcode``."""
    velden = _kolommen_van(str(spec))
    if "gemeente_code" in velden:
        code, naam = "gemeente_code", "gemeente_naam" if "gemeente_naam" in velden else None
    else:
        code, naam = "statcode", "statnaam" if "statnaam" in velden else None
    bron = GrensBron.parse(str(spec), code_kolom=code, naam_kolom=naam)
    gdf = lees_grenzen(bron, standaard_laag=STANDAARD_LAGEN["gemeente"])
    punt = gdf.geometry.representative_point()
    gdf["x"] = punt.x.to_numpy(float)
    gdf["y"] = punt.y.to_numpy(float)
    gdf["oppervlak_km2"] = gdf.geometry.area.to_numpy(float) / 1e6
    gdf.loc[gdf["naam"] == "", "naam"] = gdf["code"]
    return gdf


def lees_vraag(
    pad: str | Path, gemeenten: gpd.GeoDataFrame, *, gewicht_kolom: str = "inwoners"
) -> tuple[np.ndarray, np.ndarray]:
    """Positions (in ``gemeenten``) and weights of the demand points, in file order.

    Raises
    ------
    InvoerFout
        A missing column, an invalid, repeated or unknown gemeente code, or a
        weight that is not a number ``>= 0``; names file, row, column and value.
    """
    bron = str(pad)
    df = lees_tabel(pad, naam="vraag")
    if "geometry" in df.columns:
        raise InvoerFout("verwacht een CSV-bestand met gemeente_code en een gewicht", bestand=bron)
    k.eis_kolommen(df, ["gemeente_code", gewicht_kolom], bron)
    codes = k.gemeentecodes(df, "gemeente_code", bron)
    index = {c: i for i, c in enumerate(gemeenten["code"].tolist())}
    pos = k.bekende_codes(
        codes,
        index,
        "gemeente_code",
        bron,
        onbekend="onbekende gemeentecode: staat niet in het gemeentenbestand",
    )
    gewicht = k.getal(df, gewicht_kolom, bron, minimum=0.0, maximum=float(k.MAX_INWONERS))
    if not len(df):
        raise InvoerFout("de vraagtabel heeft geen rijen", bestand=bron)
    return pos, gewicht


def _ja_nee(df: pd.DataFrame, kolom: str, bron: str) -> np.ndarray:
    if kolom not in df.columns:
        return np.zeros(len(df), dtype=bool)
    waarden = k.tekst(df, kolom, bron, verplicht=False)
    uit = np.zeros(len(df), dtype=bool)
    for i, w in enumerate(waarden.tolist()):
        w = w.lower()
        if w in JA:
            uit[i] = True
        elif w not in NEE:
            raise InvoerFout(
                "verwacht ja of nee (of leeg = nee)",
                bestand=bron,
                rij=k.rijnummer(i),
                kolom=kolom,
                waarde=w,
            )
    return uit


def lees_kandidaten(spec: str | Path, gemeenten: gpd.GeoDataFrame) -> pd.DataFrame:
    """The candidate sites: ``locatie_id``, ``naam``, ``gemeente`` (position), ``x``, ``y``,
    ``capaciteit`` (inf: none), ``vast``, ``huidig``, in file order."""
    bron = str(spec)
    df = lees_tabel(spec, naam="kandidaten")
    index = {c: i for i, c in enumerate(gemeenten["code"].tolist())}
    k.eis_kolommen(df, ["locatie_id"], bron)
    if not len(df):
        raise InvoerFout("de kandidatentabel heeft geen rijen", bestand=bron)
    ids = k.tekst(df, "locatie_id", bron)
    k.uniek(ids, "locatie_id", bron, uitleg="elke locatie mag één keer voorkomen")
    punt = "geometry" in df.columns or ("x" in df.columns or "y" in df.columns)
    if punt:
        pts = lees_punten(spec, id_kolom="locatie_id")
        gem = gemeenten.rename(columns={"code": "gemeente_code", "naam": "gemeente_naam"})
        gem.attrs = gemeenten.attrs
        pts = koppel_aan_gemeenten(pts, gem, bron=bron, id_kolom="locatie_id")
        gpos = np.array([index[c] for c in pts["gemeente_code"]], dtype=np.int64)
        x = pts.geometry.x.to_numpy(float)
        y = pts.geometry.y.to_numpy(float)
    else:
        k.eis_kolommen(df, ["gemeente_code"], bron)
        codes = k.tekst(df, "gemeente_code", bron)
        gpos = k.bekende_codes(
            codes,
            index,
            "gemeente_code",
            bron,
            onbekend="onbekende gemeentecode: staat niet in het gemeentenbestand",
        )
        x = gemeenten["x"].to_numpy(float)[gpos]
        y = gemeenten["y"].to_numpy(float)[gpos]
    naam = k.tekst(df, "naam", bron, verplicht=False, vrij=True)
    naam = np.where(naam == "", ids, naam)
    # an empty cell (or no column) is no limit
    cap = k.getal(
        df, "capaciteit", bron, minimum=0.0, maximum=float(k.MAX_INWONERS), standaard=np.inf
    )
    return pd.DataFrame(
        {
            "locatie_id": ids,
            "naam": naam,
            "gemeente": gpos,
            "x": x,
            "y": y,
            "capaciteit": cap,
            "vast": _ja_nee(df, "vast", bron),
            "huidig": _ja_nee(df, "huidig", bron),
        }
    )


def alle_gemeenten(gemeenten: gpd.GeoDataFrame) -> pd.DataFrame:
    """Every gemeente as a candidate (id = gemeente code), at its representative point."""
    n = len(gemeenten)
    return pd.DataFrame(
        {
            "locatie_id": gemeenten["code"].to_numpy(object),
            "naam": gemeenten["naam"].to_numpy(object),
            "gemeente": np.arange(n),
            "x": gemeenten["x"].to_numpy(float),
            "y": gemeenten["y"].to_numpy(float),
            "capaciteit": np.full(n, np.inf),
            "vast": np.zeros(n, dtype=bool),
            "huidig": np.zeros(n, dtype=bool),
        }
    )


def bouw_probleem(
    gemeenten_spec: str | Path,
    vraag_pad: str | Path,
    kandidaten_spec: str | Path | None = None,
    *,
    gewicht_kolom: str = "inwoners",
    modus: str = "auto",
    od_pad: str | Path | None = None,
    aanvullen: bool = False,
    capaciteit: float | None = None,
) -> LocatieInvoer:
    """Read every input and build the problem.

    ``capaciteit``: the capacity of every candidate without one of its own
    (e.g. when all gemeenten are candidates).
    """
    gemeenten = lees_gemeenten(gemeenten_spec)
    vpos, gewicht = lees_vraag(vraag_pad, gemeenten, gewicht_kolom=gewicht_kolom)
    kand = (
        alle_gemeenten(gemeenten)
        if kandidaten_spec is None
        else lees_kandidaten(kandidaten_spec, gemeenten)
    )
    if capaciteit is not None:
        kand["capaciteit"] = np.where(
            np.isinf(kand["capaciteit"].to_numpy(float)), capaciteit, kand["capaciteit"]
        )
    g_xy = gemeenten[["x", "y"]].to_numpy(float)
    opp = gemeenten["oppervlak_km2"].to_numpy(float)
    kg = kand["gemeente"].to_numpy(np.int64)
    k_xy = kand[["x", "y"]].to_numpy(float)
    codes = gemeenten["code"].tolist()
    if od_pad is None:
        zelfde = vpos[:, None] == kg[None, :]
        minuten = schat_reistijden(
            g_xy[vpos], k_xy, modus=modus, zelfde=zelfde, oppervlak_km2=opp[kg]
        )
        bron = f"schatting ({modus})"
    else:
        schatting = reistijdmatrix(
            g_xy, g_xy[:1], np.zeros(1, dtype=np.int64), modus=modus, oppervlak_km2=opp
        )
        od = lees_reistijden(
            od_pad,
            codes,
            modus=modus,
            aanvulling=schatting.gemeente_gemeente if aanvullen else None,
        )
        minuten = od[vpos][:, kg]
        bron = str(od_pad)
    namen = gemeenten["naam"].tolist()
    probleem = Locatieprobleem(
        vraag_codes=tuple(codes[i] for i in vpos.tolist()),
        vraag_namen=tuple(namen[i] for i in vpos.tolist()),
        gewicht=gewicht,
        kandidaat_ids=tuple(str(s) for s in kand["locatie_id"]),
        kandidaat_namen=tuple(str(s) for s in kand["naam"]),
        kandidaat_gemeenten=tuple(codes[i] for i in kg.tolist()),
        minuten=minuten,
        capaciteit=kand["capaciteit"].to_numpy(float),
        vast=kand["vast"].to_numpy(bool),
        x=k_xy[:, 0].copy(),
        y=k_xy[:, 1].copy(),
        bron=bron,
    )
    huidig = tuple(str(s) for s in kand.loc[kand["huidig"], "locatie_id"])
    bestanden = tuple(
        Path(splits_laag(str(s))[0])
        for s in (gemeenten_spec, vraag_pad, kandidaten_spec, od_pad)
        if s is not None
    )
    return LocatieInvoer(probleem, gemeenten, huidig, bestanden)

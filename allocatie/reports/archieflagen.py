"""The layers of the round archive, built from a round and its result.

`archief_lagen` returns every layer of `allocatie.reports.archief` as a
(Geo)DataFrame in EPSG:28992 (pure: nothing is written here). Only the
columns of the input schema and what a placement needs go in; dates become ISO
text and the metadata a ``sleutel``/``waarde`` table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import platform
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from allocatie.archief.formaat import ARCHIEF_VERSIE, INVOER_CIJFERS, LAGEN
from allocatie.io.schema import HUISHOUDEN_KOLOMMEN
from allocatie.kern.versie import VERSIE
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance
from allocatie.spatial.grenzen import RD

__all__ = ["archief_lagen"]

_FLEX_INVOER = (
    "aanbod_id",
    "naam",
    "gemeente_code",
    "x",
    "y",
    "eenheden",
    "capaciteit_personen",
    "max_aandeel_vh",
    "min_personen",
    "max_personen",
    "max_per_eenheid",
    "beschikbaar_vanaf",
    "beschikbaar_tot",
)


def _tekstdatum(waarden: pd.Series) -> list[str | None]:
    """Dates as ISO text (``2025-01-05``); a missing date is NULL."""
    return [None if pd.isna(d) else pd.Timestamp(d).date().isoformat() for d in waarden]


def _gemeentevormen(inst: Instance) -> gpd.GeoSeries:
    """The gemeenten's boundaries in RD, or their representative points without them."""
    if inst.grenzen is not None:
        vlak = inst.grenzen.reset_index(drop=True)
        return vlak.set_crs(RD) if vlak.crs is None else vlak.to_crs(RD)
    g = inst.gemeenten
    return gpd.GeoSeries(gpd.points_from_xy(g["x"], g["y"]), crs=RD)


def _punten(df: pd.DataFrame) -> gpd.GeoSeries:
    return gpd.GeoSeries(gpd.points_from_xy(df["x"], df["y"]), index=df.index, crs=RD)


def _deel(teller: pd.Series, noemer: pd.Series) -> pd.Series:
    """``teller / noemer``, NULL where the denominator is 0."""
    n = noemer.to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.Series(np.where(n > 0, teller.to_numpy(float) / n, np.nan), index=teller.index)


def _invoerlagen(inst: Instance) -> dict[str, pd.DataFrame]:
    gem = inst.gemeenten
    gemeenten = gpd.GeoDataFrame(
        gem[
            [
                "gemeente_code",
                "gemeente_naam",
                "provincie_code",
                "arbeidsmarktregio_code",
                "coa_regio",
                "inwoners",
                *INVOER_CIJFERS,
                "x",
                "y",
            ]
        ].reset_index(drop=True),
        geometry=_gemeentevormen(inst),
    )
    op = inst.opties
    reg = op[op["soort"] == "regulier"].reset_index(drop=True)
    woningaanbod = pd.DataFrame(
        {
            "aanbod_id": reg["aanbod_id"],
            "gemeente_code": reg["gemeente_code"],
            "min_personen": reg["min_personen"],
            "max_personen": reg["max_personen"],
            "woningen": reg["eenheden_totaal"],
            "beschikbaar_vanaf": _tekstdatum(reg["beschikbaar_vanaf"]),
            "max_per_woning": reg["max_per_eenheid"],
        }
    )
    fl = op[op["soort"] == "flex"].reset_index(drop=True)
    flex = fl.rename(columns={"eenheden": "eenheden_vh"}).rename(
        columns={"eenheden_totaal": "eenheden"}
    )
    flex = flex.assign(
        beschikbaar_vanaf=_tekstdatum(fl["beschikbaar_vanaf"]),
        beschikbaar_tot=_tekstdatum(fl["beschikbaar_tot"]),
    )[list(_FLEX_INVOER)]
    hh = inst.huishoudens[list(HUISHOUDEN_KOLOMMEN)].copy()  # the schema's columns, no more
    hh["gereed_datum"] = _tekstdatum(hh["gereed_datum"])
    return {
        "invoer_gemeenten": gemeenten,
        "invoer_woningaanbod": woningaanbod,
        "invoer_flexlocaties": gpd.GeoDataFrame(flex, geometry=_punten(flex)),
        "invoer_huishoudens": hh.reset_index(drop=True),
        "invoer_regiocapaciteit": inst.regiocapaciteit.astype(
            {"regio_soort": object, "regio_code": object}
        ).reset_index(drop=True),
        "invoer_vastleggingen": inst.vastleggingen[
            ["huishouden_id", "aanbod_id", "gemeente_code", "soort"]
        ].reset_index(drop=True),
    }


def _resultaat_gemeenten(inst: Instance, res: AllocationResult) -> gpd.GeoDataFrame:
    """``per_gemeente`` with the status against the task and the carry-over it leaves."""
    codes = inst.gemeenten["gemeente_code"].reset_index(drop=True)
    g = res.per_gemeente.set_index("gemeente_code").loc[codes].reset_index()
    saldo = g["saldo"]
    g["gerealiseerd_na_ronde"] = g["gerealiseerd"] + g["geplaatst"]
    g["achterstand_na_ronde"] = saldo.clip(lower=0)
    g["voorsprong_na_ronde"] = (-saldo).clip(lower=0)
    g["taakstatus"] = np.select(
        [saldo > 0, saldo < 0], ["achterstand", "voorsprong"], default="op taak"
    )
    g["realisatie"] = _deel(
        g["gerealiseerd_na_ronde"], g["gecorrigeerd"] - g["ruil_af"] + g["ruil_bij"]
    )
    return gpd.GeoDataFrame(g, geometry=_gemeentevormen(inst))


def _resultaat_flex(inst: Instance, res: AllocationResult) -> gpd.GeoDataFrame:
    op = inst.opties.set_index("aanbod_id")
    fl = res.per_optie[res.per_optie["soort"] == "flex"].reset_index(drop=True)
    fl = fl.drop(columns="soort").rename(columns={"eenheden": "eenheden_vh"})
    fl.insert(3, "eenheden_totaal", op.loc[fl["aanbod_id"], "eenheden_totaal"].to_numpy())
    fl.insert(4, "max_aandeel_vh", op.loc[fl["aanbod_id"], "max_aandeel_vh"].to_numpy())
    fl["bezetting"] = _deel(fl["eenheden_gebruikt"], fl["eenheden_vh"])
    fl["aandeel_vh"] = _deel(fl["eenheden_gebruikt"], fl["eenheden_totaal"])
    fl["x"] = op.loc[fl["aanbod_id"], "x"].to_numpy(float)
    fl["y"] = op.loc[fl["aanbod_id"], "y"].to_numpy(float)
    return gpd.GeoDataFrame(fl, geometry=_punten(fl))


def _resultaat_plaatsingen(inst: Instance, res: AllocationResult) -> gpd.GeoDataFrame:
    pl = res.plaatsingen.reset_index(drop=True)
    gem = inst.gemeenten.set_index("gemeente_code")
    op = inst.opties.set_index("aanbod_id")
    van = gem.loc[pl["azc_gemeente"], ["x", "y"]].to_numpy(float)
    naar = op.loc[pl["aanbod_id"], ["x", "y"]].to_numpy(float)
    lijnen = shapely.linestrings(np.stack([van, naar], axis=1).reshape(-1, 2, 2))
    return gpd.GeoDataFrame(pl, geometry=gpd.GeoSeries(lijnen, crs=RD))


def _tekst(waarde: Any) -> str | None:
    """A metadata value as text: booleans as in TOML (``true``/``false``), None as NULL."""
    if waarde is None:
        return None
    if isinstance(waarde, bool):
        return "true" if waarde else "false"
    return str(waarde)


def _tijd(t: dt.datetime) -> str:
    return (t if t.tzinfo else t.astimezone()).isoformat(timespec="seconds")


def _metadata(
    inst: Instance, res: AllocationResult, gestart: dt.datetime, klaar: dt.datetime
) -> pd.DataFrame:

    rijen: list[tuple[str, Any]] = [
        ("archief_versie", ARCHIEF_VERSIE),
        ("ronde.naam", inst.naam),
        ("ronde.periode", inst.periode.label),
        ("ronde.periode_start", inst.periode.start.isoformat()),
        ("ronde.periode_eind", inst.periode.eind.isoformat()),
        ("crs", RD),
        ("gemeenten.geometrie", "punten" if inst.grenzen is None else "grenzen"),
        ("model.preset", inst.preset.naam),
    ]

    def plat(prefix: str, waarden: Mapping[str, Any]) -> None:
        for sleutel, waarde in waarden.items():
            if isinstance(waarde, Mapping):
                plat(f"{prefix}.{sleutel}", waarde)
            elif isinstance(waarde, list | tuple):
                rijen.append((f"{prefix}.{sleutel}", ", ".join(map(str, waarde))))
            else:
                rijen.append((f"{prefix}.{sleutel}", waarde))

    preset = dataclasses.asdict(inst.preset)
    preset.pop("naam")
    plat("model", preset)
    # The options the solve really used (the API may pass others than the round's).
    plat("solver", res.opties or dataclasses.asdict(inst.solver))
    rijen += [
        ("solver.naam", res.solver),
        ("resultaat.status", res.status.value),
        ("resultaat.reproduceerbaar", res.reproduceerbaar),
        *((f"resultaat.strategie.{i}", z) for i, z in enumerate(res.strategie, start=1)),
        ("resultaat.gap", res.gap),
        ("resultaat.formulering", res.formulering),
        ("resultaat.rekentijd_s", round(res.wall_s, 3)),
        ("resultaat.bouwtijd_s", round(res.bouw_s, 3)),
    ]
    for i, n in enumerate(res.niveaus, start=1):
        rijen += [
            (f"niveau.{i}.naam", n.naam),
            (f"niveau.{i}.status", n.status.value),
            (f"niveau.{i}.waarde", n.waarde),
            (f"niveau.{i}.grens", n.grens),
            (f"niveau.{i}.gap", n.gap),
            (f"niveau.{i}.gap_absoluut", n.gap_absoluut),
            (f"niveau.{i}.tijd_s", round(n.tijd_s, 3)),
            (f"niveau.{i}.tijdslimiet_greep_in", n.klok),
        ]
    plat("aantal", res.samenvatting()["aantallen"])
    rijen += [(f"signaal.{i}", s) for i, s in enumerate(res.signalen, start=1)]
    for naam in sorted(set(inst.hashes) | set(inst.bronnen)):
        rijen += [
            (f"invoer.{naam}.bestand", inst.bronnen.get(naam)),
            (f"invoer.{naam}.sha256", inst.hashes.get(naam)),
        ]
    rijen += [
        ("software.allocatie", VERSIE),
        ("software.python", platform.python_version()),
        ("software.gdal", pyogrio.__gdal_version_string__),
        ("tijd.gestart", _tijd(gestart)),
        ("tijd.klaar", _tijd(klaar)),
        ("tijd.archief", _tijd(dt.datetime.now().astimezone())),
    ]
    return pd.DataFrame(
        {
            "sleutel": [s for s, _ in rijen],
            "waarde": pd.Series([_tekst(w) for _, w in rijen], dtype=object),
        }
    )


def archief_lagen(
    inst: Instance,
    res: AllocationResult,
    *,
    gestart: dt.datetime | None = None,
    klaar: dt.datetime | None = None,
) -> dict[str, pd.DataFrame]:
    """Every layer of the archive as a (Geo)DataFrame, in `LAGEN` order.

    See `schrijf_archief` for ``gestart`` and ``klaar``.
    """
    klaar = klaar or dt.datetime.now().astimezone()
    gestart = gestart or klaar - dt.timedelta(seconds=res.wall_s)
    per_optie = res.per_optie
    lagen = {
        **_invoerlagen(inst),
        "resultaat_gemeenten": _resultaat_gemeenten(inst, res),
        "resultaat_woningaanbod": per_optie[per_optie["soort"] == "regulier"]
        .drop(columns=["soort", "naam"])
        .reset_index(drop=True),
        "resultaat_flexlocaties": _resultaat_flex(inst, res),
        "resultaat_plaatsingen": _resultaat_plaatsingen(inst, res),
        "resultaat_onbediend": res.onbediend.reset_index(drop=True),
        "ronde_metadata": _metadata(inst, res, gestart, klaar),
    }
    return {naam: lagen[naam] for naam in LAGEN}

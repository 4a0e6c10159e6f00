"""Tables, workbook, map and summary of a location choice; the output folder written atomically.

Every function is a pure function of the problem and the outcomes; `schrijf_locatieuitvoer`
writes the files into a temporary folder that replaces the output folder at once
(`allocatie.io.atomisch.atomische_map`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from allocatie.io.atomisch import atomische_map
from allocatie.locaties.oplossen import PERCENTIELEN, Locatieuitkomst, reistijdstatistiek
from allocatie.locaties.probleem import Locatieprobleem
from allocatie.reports.uitvoer import json_tekst, schrijf_csv

__all__ = [
    "BESTANDEN",
    "locaties_tabel",
    "samenvatting",
    "schrijf_locatieuitvoer",
    "statistiek_tabel",
    "toewijzing_tabel",
]

#: Files of the output folder.
BESTANDEN: tuple[str, ...] = (
    "locaties.csv",
    "toewijzing.csv",
    "statistiek.csv",
    "locaties.xlsx",
    "kaart.png",
    "samenvatting.json",
)

MODELNAMEN = {
    "pmediaan": "p-mediaan (minimale gewogen reistijd)",
    "capaciteit": "locaties met capaciteit",
    "dekking": "maximale dekking binnen de reistijdlimiet",
}

#: Dutch labels of the statistics, in display order.
LABELS: dict[str, str] = {
    "gemiddelde": "gemiddelde reistijd per gemeente (min)",
    "gewogen_gemiddelde": "gewogen gemiddelde reistijd (min)",
    **{f"p{q}": f"{q}e percentiel, gewogen (min)" for q in PERCENTIELEN},
    "maximum": "langste reistijd (min)",
    "binnen_limiet": "aandeel vraag binnen de limiet",
    "gemeenten_buiten_limiet": "gemeenten buiten de limiet",
    "doel": "doelwaarde: gewogen reistijd (min × gewicht); bij dekking de ongedekte vraag",
}


def _ja(b: bool) -> str:
    return "ja" if b else "nee"


def toewijzing_tabel(p: Locatieprobleem, u: Locatieuitkomst) -> pd.DataFrame:
    """One row per (gemeente, site) with the share of the gemeente's demand and the travel time."""
    t = p.minuten[u.toewijs_i, u.toewijs_j]
    df = pd.DataFrame(
        {
            "gemeente_code": [p.vraag_codes[i] for i in u.toewijs_i.tolist()],
            "gemeente_naam": [p.vraag_namen[i] for i in u.toewijs_i.tolist()],
            "gewicht": p.gewicht[u.toewijs_i],
            "locatie_id": [p.kandidaat_ids[j] for j in u.toewijs_j.tolist()],
            "locatie_naam": [p.kandidaat_namen[j] for j in u.toewijs_j.tolist()],
            "aandeel": np.round(u.aandeel, 9),
            "minuten": np.round(t, 2),
        }
    )
    if u.keuze.limiet_min is not None:
        df["binnen_limiet"] = [_ja(v) for v in (t <= u.keuze.limiet_min + 1e-9).tolist()]
    return df


def locaties_tabel(
    p: Locatieprobleem, u: Locatieuitkomst, vergelijking: Locatieuitkomst | None = None
) -> pd.DataFrame:
    """Every candidate: chosen or not, fixed, in the comparison set, demand assigned."""
    w = p.gewicht[u.toewijs_i] * u.aandeel
    last = np.bincount(u.toewijs_j, weights=w, minlength=p.n_kandidaten)
    n_gem = np.bincount(u.toewijs_j, minlength=p.n_kandidaten)
    cap = p.capaciteit
    df = pd.DataFrame(
        {
            "locatie_id": list(p.kandidaat_ids),
            "naam": list(p.kandidaat_namen),
            "gemeente_code": list(p.kandidaat_gemeenten),
            "x": p.x if p.x is not None else np.nan,
            "y": p.y if p.y is not None else np.nan,
            "capaciteit": np.where(np.isinf(cap), np.nan, cap),
            "vast": [_ja(v) for v in p.vast.tolist()],
            "gekozen": [_ja(v) for v in u.open.tolist()],
            "vraag_toegewezen": np.round(last, 6),
            "gemeenten_toegewezen": n_gem,
            "bezetting": np.where(np.isfinite(cap) & (cap > 0), np.round(last / cap, 4), np.nan),
        }
    )
    if vergelijking is not None:
        df.insert(8, "in_vergelijking", [_ja(v) for v in vergelijking.open.tolist()])
    return df.sort_values(["gekozen", "locatie_id"], ascending=[False, True], kind="stable")


def statistiek_tabel(p: Locatieprobleem, uitkomsten: dict[str, Locatieuitkomst]) -> pd.DataFrame:
    """The statistics side by side, one column per set (e.g. ``gekozen``, ``vergelijking``)."""
    cijfers = {naam: reistijdstatistiek(p, u) for naam, u in uitkomsten.items()}
    sleutels = [s for s in LABELS if any(s in c for c in cijfers.values())]
    df = pd.DataFrame(
        {
            "maat": sleutels,
            "omschrijving": [LABELS[s] for s in sleutels],
            **{n: [c.get(s, math.nan) for s in sleutels] for n, c in cijfers.items()},
        }
    )
    namen = list(uitkomsten)
    if len(namen) == 2:
        df["verschil"] = df[namen[0]] - df[namen[1]]
    extra = pd.DataFrame(
        {
            "maat": ["locaties", "status"],
            "omschrijving": ["open locaties", "status van de oplossing"],
            **{n: [", ".join(u.gekozen_ids), u.status.value] for n, u in uitkomsten.items()},
        }
    )
    return pd.concat([df.astype(object), extra], ignore_index=True)


def samenvatting(
    p: Locatieprobleem, uitkomsten: dict[str, Locatieuitkomst], kop: dict[str, Any]
) -> dict[str, Any]:
    """The JSON summary: header, and per set its sites, status, gap and statistics."""

    def getal(v: float | None) -> float | None:
        return None if v is None or not math.isfinite(v) else round(float(v), 6)

    return {
        **kop,
        "vraagpunten": p.n_vraag,
        "kandidaten": p.n_kandidaten,
        "totale_vraag": p.totale_vraag,
        "reistijden": p.bron,
        "sets": {
            naam: {
                "locaties": list(u.gekozen_ids),
                "status": u.status.value,
                "doel": getal(u.doel),
                "grens": getal(u.grens),
                "gap": getal(u.gap),
                "tijdslimiet_bereikt": u.klok,
                "solver": u.solver,
                "tijd_s": round(u.tijd_s, 3),
                "kolommen": u.n_kolommen,
                "rijen": u.n_rijen,
                "statistiek": {k: getal(v) for k, v in reistijdstatistiek(p, u).items()},
            }
            for naam, u in uitkomsten.items()
        },
    }


def teken_locatiekaart(
    p: Locatieprobleem,
    gemeenten: gpd.GeoDataFrame,
    u: Locatieuitkomst,
    pad: Path,
    *,
    vergelijking: Locatieuitkomst | None = None,
    titel: str = "",
) -> None:
    """PNG: gemeenten coloured by travel time to their site; chosen and compared sites marked."""
    tijd = np.full(len(gemeenten), np.nan)
    per = np.bincount(
        u.toewijs_i,
        weights=p.minuten[u.toewijs_i, u.toewijs_j] * u.aandeel,
        minlength=p.n_vraag,
    )
    index = {c: i for i, c in enumerate(gemeenten["code"].tolist())}
    for i, c in enumerate(p.vraag_codes):
        tijd[index[c]] = per[i] if len(u.toewijs_i) else np.nan
    fig = Figure(figsize=(8.0, 9.0), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_axis_off()
    ax.set_aspect("equal")
    kaart = gemeenten.assign(reistijd=tijd)
    geen = kaart[np.isnan(tijd)]
    if len(geen):
        geen.plot(ax=ax, color="#eeeeee", edgecolor="#bbbbbb", linewidth=0.3, hatch="///")
    met = kaart[~np.isnan(tijd)]
    if len(met):
        met.plot(
            ax=ax,
            column="reistijd",
            cmap="YlOrRd",
            edgecolor="white",
            linewidth=0.3,
            legend=True,
            legend_kwds={"label": "reistijd naar de toegewezen locatie (min)", "shrink": 0.6},
        )
    handvatten = []
    if p.x is not None and p.y is not None:
        # a thin line from every gemeente's point to its site: the assignment at a glance
        gi = np.array([index[p.vraag_codes[i]] for i in u.toewijs_i.tolist()], dtype=np.int64)
        if len(gi):
            gx, gy = gemeenten["x"].to_numpy(float)[gi], gemeenten["y"].to_numpy(float)[gi]
            sx, sy = p.x[u.toewijs_j], p.y[u.toewijs_j]
            segmenten = np.stack([np.c_[gx, gy], np.c_[sx, sy]], axis=1)
            ax.add_collection(
                LineCollection(
                    list(segmenten), colors="#1f3a93", linewidths=0.4, alpha=0.5, zorder=3
                )
            )
        g = u.gekozen
        ax.scatter(p.x[g], p.y[g], marker="*", s=220, c="#1f3a93", edgecolors="white", zorder=5)
        handvatten.append(
            Line2D(
                [],
                [],
                marker="*",
                color="#1f3a93",
                linestyle="",
                markersize=12,
                label="gekozen locatie",
            )
        )
        for j in g.tolist():
            ax.annotate(
                p.kandidaat_namen[j],
                (p.x[j], p.y[j]),
                xytext=(6, 6),
                textcoords="offset points",
                fontsize=8,
                zorder=6,
            )
        if vergelijking is not None:
            v = vergelijking.gekozen
            ax.scatter(
                p.x[v],
                p.y[v],
                marker="o",
                s=110,
                facecolors="none",
                edgecolors="#111111",
                linewidths=1.5,
                zorder=4,
            )
            handvatten.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    color="#111111",
                    markerfacecolor="none",
                    linestyle="",
                    markersize=9,
                    label="vergelijkingsset",
                )
            )
    if handvatten:
        ax.legend(handles=handvatten, loc="upper left", fontsize=8, frameon=True)
    ax.set_title(titel, fontsize=11)
    fig.tight_layout()
    fig.savefig(pad, format="png")


def schrijf_werkboek(
    pad: Path,
    statistiek: pd.DataFrame,
    locaties: pd.DataFrame,
    toewijzing: pd.DataFrame,
    kop: dict[str, Any],
) -> None:
    """The workbook: Samenvatting (header and statistics), Locaties, Toewijzing."""
    info = pd.DataFrame({"gegeven": list(kop), "waarde": [str(v) for v in kop.values()]})
    with pd.ExcelWriter(pad, engine="openpyxl") as xl:
        info.to_excel(xl, sheet_name="Samenvatting", index=False)
        statistiek.to_excel(xl, sheet_name="Samenvatting", index=False, startrow=len(info) + 2)
        locaties.to_excel(xl, sheet_name="Locaties", index=False)
        toewijzing.to_excel(xl, sheet_name="Toewijzing", index=False)
        for blad in xl.book.worksheets:
            for kolom in blad.columns:
                breedte = max(len(str(c.value or "")) for c in kolom[:200])
                blad.column_dimensions[kolom[0].column_letter].width = min(60, breedte + 2)


def schrijf_locatieuitvoer(
    doel: Path,
    p: Locatieprobleem,
    gemeenten: gpd.GeoDataFrame,
    u: Locatieuitkomst,
    *,
    vergelijking: Locatieuitkomst | None = None,
    kop: dict[str, Any],
    overschrijf: bool = False,
) -> None:
    """Write `BESTANDEN` into ``doel`` atomically."""
    sets = {"gekozen": u} | ({"vergelijking": vergelijking} if vergelijking is not None else {})
    stat = statistiek_tabel(p, sets)
    loc = locaties_tabel(p, u, vergelijking)
    toew = toewijzing_tabel(p, u)
    with atomische_map(doel, overschrijf=overschrijf) as tmp:
        schrijf_csv(loc, tmp / "locaties.csv")
        schrijf_csv(toew, tmp / "toewijzing.csv")
        schrijf_csv(stat, tmp / "statistiek.csv")
        schrijf_werkboek(tmp / "locaties.xlsx", stat, loc, toew, kop)
        titel = f"{MODELNAMEN[u.keuze.model]}: {len(u.gekozen)} locaties"
        teken_locatiekaart(
            p, gemeenten, u, tmp / "kaart.png", vergelijking=vergelijking, titel=titel
        )
        (tmp / "samenvatting.json").write_text(
            json_tekst(samenvatting(p, sets, kop)), encoding="utf-8"
        )

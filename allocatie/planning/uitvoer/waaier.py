"""Charts of a flex plan: the backlog fan per policy and the flex capacity over time.

`teken_waaier` draws ``waaier.png``: per policy one panel (shared y axis) with
the national backlog (persons waiting at the end of each half-year) over the
scenarios: the median as a line, the 25-75% and 5-95% bands shaded, the mean
dotted. `teken_capaciteit` draws ``capaciteit.png``: the flex places
available per half-year for the stochastic plan, the static plan, the
mean-value plan and the rolling policy, stacked by flex type, with the
expected occupancy as a line; for the rolling policy, whose modules differ per
scenario, also the fan of its places over the scenarios (median, 25-75% and
5-95%), which shows where it scales down. `teken_rollend` draws ``rollend.png``
(only with the rolling policy): its national places per half-year over the
scenarios (median and bands) above the modules delivered (up), closed and
moved away (down) per half-year, with the share of the scenarios that close
modules; so scaling up and down can be read off one figure.

Both are pure functions of the comparison's tables (`allocatie.planning.uitvoer.tabellen`)
drawn with matplotlib's object API on an Agg canvas (no pyplot, no display, no
global state) and written atomically, like the round's map
(`allocatie.reports.kaart`). At the default size they are 1500 px wide.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from allocatie.io.atomisch import atomisch_pad
from allocatie.kern.taal import aantal, nl_getal
from allocatie.planning.model.uitkomst import BELEIDSTITELS
from allocatie.planning.uitvoer.tabellen import (
    KWANTIELEN,
    achterstand_tabel,
    rollend_halfjaar_tabel,
)
from allocatie.planning.uitvoer.vergelijking import Planvergelijking

__all__ = ["BELEIDSKLEUREN", "TYPEKLEUREN", "teken_capaciteit", "teken_rollend", "teken_waaier"]

#: One colour per policy, the same in every chart and in the report.
BELEIDSKLEUREN: dict[str, str] = {
    "stochastisch": "#1f5f99",
    "gemiddeld": "#d6604d",
    "statisch": "#5e3c99",
    "geen_flex": "#6b6b6b",
    "rollend": "#b35806",
    "perfecte_informatie": "#1a7f37",
}
#: Colours of the flex types in the capacity chart, in type order.
TYPEKLEUREN: tuple[str, ...] = ("#4393c3", "#f4a582", "#92c5de", "#d6604d", "#b2abd2", "#5aae61")

_DPI = 100
SCENARIOS = "scenario's"
_REFERENTIE = "#1f5f99"
_GETAL = FuncFormatter(lambda x, _: nl_getal(x))


def _bewaar(fig: Figure, pad: str | Path) -> Path:
    """Write ``fig`` as PNG atomically (no software tag: the same input, the same bytes)."""
    FigureCanvasAgg(fig)
    pad = Path(pad)
    with atomisch_pad(pad) as tijdelijk:
        fig.savefig(
            tijdelijk, format="png", dpi=_DPI, facecolor="white", metadata={"Software": None}
        )
    return pad


def _rond_af(
    fig: Figure,
    titel: str,
    pad: str | Path,
    rect: tuple[float, float, float, float],
    legenda: list[Artist] | None = None,
    ncol: int | None = None,
    **ruimte: float,
) -> Path:
    """The legend below (``ncol`` columns, default one per entry), the bold title on the
    left, the layout within ``rect`` (``ruimte``: h_pad/w_pad), and the PNG ``pad``."""
    if legenda is not None:
        fig.legend(
            handles=legenda,
            loc="lower center",
            ncol=ncol or len(legenda),
            fontsize=10,
            frameon=False,
        )
    fig.suptitle(titel, fontsize=15, fontweight="bold", x=0.01, ha="left")
    fig.tight_layout(rect=rect, **ruimte)
    return _bewaar(fig, pad)


def _periode_as(ax: Axes, perioden: list[str], *, labels: bool) -> None:
    """Half-year labels on the x axis, thinned so they never overlap."""
    stap = max(1, math.ceil(len(perioden) / 10))
    ax.set_xticks(range(0, len(perioden), stap))
    ax.set_xticklabels(
        perioden[::stap] if labels else [], rotation=45, ha="right", rotation_mode="anchor"
    )
    ax.set_xlim(-0.3, len(perioden) - 0.7)
    ax.grid(axis="y", color="#d8dee5", linewidth=0.8)
    ax.set_axisbelow(True)
    for kant in ("top", "right"):
        ax.spines[kant].set_visible(False)


def teken_waaier(vgl: Planvergelijking, pad: str | Path, *, breedte_px: int = 1500) -> Path:
    """Draw the backlog fan chart of every policy into the PNG ``pad``.

    One panel per policy in the order of ``vgl.uitkomsten`` (up to three per
    row, a shared y axis), the legend in a spare panel or below.

    Returns
    -------
    Path
        The written PNG.
    """
    tab = achterstand_tabel(vgl)
    beleid = list(vgl.uitkomsten)
    perioden = list(vgl.instantie.perioden)
    x = np.arange(len(perioden))
    kolommen = min(3, len(beleid))
    rijen = math.ceil(len(beleid) / kolommen)
    reserve = rijen * kolommen > len(beleid)
    b_in = breedte_px / _DPI
    h_in = 1.3 + 3.6 * rijen + (0 if reserve else 0.7)
    fig = Figure(figsize=(b_in, h_in), dpi=_DPI)
    assen = fig.subplots(rijen, kolommen, sharex=True, sharey=True, squeeze=False)
    boven = float(tab["p95"].max()) or 1.0
    stoch = tab[tab["beleid"] == "stochastisch"]
    referentie = stoch["p50"].to_numpy() if len(stoch) else None
    for i, b in enumerate(beleid):
        ax = assen[i // kolommen][i % kolommen]
        d = tab[tab["beleid"] == b]
        kleur = BELEIDSKLEUREN.get(b, "#333333")
        ax.fill_between(x, d["p5"], d["p95"], color=kleur, alpha=0.15, linewidth=0)
        ax.fill_between(x, d["p25"], d["p75"], color=kleur, alpha=0.35, linewidth=0)
        ax.plot(x, d["p50"], color=kleur, linewidth=2.4, marker="o", markersize=4)
        ax.plot(x, d["gemiddeld"], color=kleur, linewidth=1.3, linestyle=":")
        if b != "stochastisch" and referentie is not None:
            ax.plot(x, referentie, color=_REFERENTIE, linewidth=1.2, linestyle="--")
        ax.set_title(BELEIDSTITELS.get(b, b), fontsize=12, loc="left", color="#1b1f24")
        eind = d.iloc[-1]
        ax.annotate(
            f"mediaan {nl_getal(eind['p50'])}",
            (x[-1], eind["p50"]),
            xytext=(-4, 8),
            textcoords="offset points",
            ha="right",
            fontsize=9,
            color=kleur,
            bbox={
                "boxstyle": "round,pad=0.2",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.85,
            },
        )
        onderste = i // kolommen == rijen - 1 or i + kolommen >= len(beleid)
        _periode_as(ax, perioden, labels=onderste)
        ax.tick_params(labelbottom=onderste)
        ax.yaxis.set_major_formatter(_GETAL)
        ax.yaxis.set_major_locator(MaxNLocator(6))
        if i % kolommen == 0:
            ax.set_ylabel("wachtende personen", fontsize=10)
        if onderste:
            ax.set_xlabel("halfjaar", fontsize=10)
    assen[0][0].set_ylim(0, boven * 1.08)
    grijs = "#555555"
    legenda = [
        Line2D([], [], color=grijs, linewidth=2.4, marker="o", markersize=4, label="mediaan"),
        Line2D([], [], color=grijs, linewidth=1.3, linestyle=":", label="gemiddelde"),
        Patch(facecolor=grijs, alpha=0.45, label="50% van de scenario's (25-75%)"),
        Patch(facecolor=grijs, alpha=0.15, label="90% van de scenario's (5-95%)"),
    ]
    if referentie is not None and len(beleid) > 1:
        legenda.append(
            Line2D(
                [],
                [],
                color=_REFERENTIE,
                linewidth=1.2,
                linestyle="--",
                label="mediaan van het stochastische plan (ter vergelijking)",
            )
        )
    n = len(vgl.stochastisch.kansen)
    uitleg = (
        f"Landelijke achterstand aan het eind van elk halfjaar, over "
        f"{aantal(n, 'scenario', SCENARIOS)} van de instroom. Elk paneel is een beleid; "
        "de kleurbanden tonen de spreiding."
    )
    if reserve:
        leeg = assen[-1][-1]
        for j in range(len(beleid), rijen * kolommen):
            assen[j // kolommen][j % kolommen].set_visible(False)
        leeg.set_visible(True)
        leeg.axis("off")
        leeg.legend(handles=legenda, loc="upper left", fontsize=11, frameon=False, title="Legenda")
        leeg.text(
            0.02,
            0.38,
            textwrap.fill(uitleg, 60),
            transform=leeg.transAxes,
            fontsize=10,
            color="#333333",
            va="top",
        )
    return _rond_af(
        fig,
        "Achterstand van wachtende vergunninghouders per halfjaar, per beleid",
        pad,
        (0, 0 if reserve else 0.06, 1, 0.96),
        None if reserve else legenda,
        3,
        h_pad=1.5,
        w_pad=1.2,
    )


#: Plans in the capacity chart, in panel order (each only when it was computed).
CAPACITEIT_BELEID: tuple[str, ...] = ("stochastisch", "statisch", "gemiddeld", "rollend")


def teken_capaciteit(vgl: Planvergelijking, pad: str | Path, *, breedte_px: int = 1500) -> Path:
    """Draw the flex places available per half-year into the PNG ``pad``.

    One panel per plan (`CAPACITEIT_BELEID`, shared y axis): bars stacked by
    flex type (places = modules × persons per module), and the expected
    occupancy over the scenarios as a black line.

    Returns
    -------
    Path
        The written PNG.
    """
    inst = vgl.instantie
    beleid = [b for b in CAPACITEIT_BELEID if b in vgl.uitkomsten]
    perioden = list(inst.perioden)
    x = np.arange(len(perioden))
    plaatsen = np.array([f.plaatsen for f in inst.flextypen])
    fig = Figure(figsize=(breedte_px / _DPI, 6.2), dpi=_DPI)
    assen = fig.subplots(1, len(beleid), sharey=True, squeeze=False)[0]
    waaier = False
    for ax, b in zip(assen, beleid, strict=True):
        u = vgl.uitkomsten[b]
        beschikbaar = u.kansen @ u.beschikbaar.sum(axis=1).reshape(len(u.kansen), -1)
        per_type = beschikbaar.reshape(len(inst.flextypen), len(perioden)) * plaatsen[:, None]
        bodem = np.zeros(len(perioden))
        for fi, f in enumerate(inst.flextypen):
            ax.bar(
                x,
                per_type[fi],
                bottom=bodem,
                width=0.72,
                color=TYPEKLEUREN[fi % len(TYPEKLEUREN)],
                edgecolor="white",
                linewidth=0.5,
                label=f"{f.naam} ({nl_getal(f.plaatsen)} plaatsen per module)",
            )
            bodem = bodem + per_type[fi]
        bezet = np.einsum("s,srfkt->t", u.kansen, u.bezetting)
        ax.plot(x, bezet, color="#1b1f24", linewidth=2, marker="o", markersize=3.5)
        if u.plan is None:  # a plan per scenario: its places over the scenarios as a fan
            q = u.plaatsen_kwantielen(plaatsen, KWANTIELEN)
            kleur = BELEIDSKLEUREN.get(b, "#333333")
            ax.fill_between(x, q[0], q[4], color=kleur, alpha=0.15, linewidth=0, zorder=3)
            ax.fill_between(x, q[1], q[3], color=kleur, alpha=0.3, linewidth=0, zorder=3)
            ax.plot(x, q[2], color=kleur, linewidth=2.2, linestyle="--", zorder=4)
            waaier = True
        # four panels side by side: wrap long titles so they never run into the next panel
        breed = max(12, int(breedte_px / _DPI / len(beleid) * 8))
        ax.set_title(textwrap.fill(BELEIDSTITELS.get(b, b), breed), fontsize=11, loc="left")
        ax.annotate(
            f"{nl_getal(bodem[-1])} plaatsen",
            (x[-1], bodem[-1]),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
        _periode_as(ax, perioden, labels=True)
        ax.set_xlabel("halfjaar", fontsize=10)
        ax.yaxis.set_major_formatter(_GETAL)
    assen[0].set_ylabel("flexplaatsen (personen)", fontsize=10)
    hoogste = max(float(a.get_ylim()[1]) for a in assen)
    assen[0].set_ylim(0, hoogste * 1.06)
    handles, _ = assen[0].get_legend_handles_labels()
    handles.append(Line2D([], [], color="#1b1f24", linewidth=2, label="verwachte bezetting"))
    if waaier:
        kleur = BELEIDSKLEUREN["rollend"]
        handles += [
            Line2D([], [], color=kleur, linewidth=2.2, linestyle="--", label="plaatsen: mediaan"),
            Patch(facecolor=kleur, alpha=0.35, label="plaatsen: 25-75% / 5-95%"),
        ]
    return _rond_af(
        fig,
        "Beschikbare flexplaatsen per halfjaar, gestapeld per flextype",
        pad,
        (0, 0.07, 1, 0.95),
        handles,
        w_pad=1.2,
    )


#: Colours of the module flows in `teken_rollend`.
_GELEVERD, _GESLOTEN, _VERPLAATST = "#4393c3", "#b2182b", "#bababa"


def teken_rollend(vgl: Planvergelijking, pad: str | Path, *, breedte_px: int = 1500) -> Path:
    """Draw the rolling policy's places and module flows per half-year into the PNG ``pad``.

    Top: the national flex places over the scenarios (median with markers, the
    25-75% and 5-95% bands, the mean dotted, every scenario's path faint: the
    policy scales down in some scenarios and up in others, which a median
    alone hides; the axis ends a little above the 95th percentile, so the
    highest scenarios run off the top). Bottom: the expected modules per
    scenario delivered (up), closed and moved to another region (down), with
    above each half-year in which modules close the share of the scenarios
    that do. Figures from `rollend_halfjaar_tabel`.

    Raises
    ------
    ValueError
        When the rolling policy was not run.
    """
    tab = rollend_halfjaar_tabel(vgl)
    if tab.empty:
        raise ValueError("het rollende beleid is niet doorgerekend")
    perioden = list(vgl.instantie.perioden)
    x = np.arange(len(perioden))
    kleur = BELEIDSKLEUREN["rollend"]
    fig = Figure(figsize=(breedte_px / _DPI, 9.0), dpi=_DPI)
    boven, onder = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    boven.fill_between(
        x, tab["plaatsen_p5"], tab["plaatsen_p95"], color=kleur, alpha=0.15, linewidth=0
    )
    boven.fill_between(
        x, tab["plaatsen_p25"], tab["plaatsen_p75"], color=kleur, alpha=0.35, linewidth=0
    )
    u = vgl.uitkomsten["rollend"]
    plaatsen = np.array([f.plaatsen for f in vgl.instantie.flextypen], dtype=float)
    paden = np.einsum("srft,f->st", u.beschikbaar, plaatsen)
    dun = 0.45 if len(paden) <= 20 else 0.22  # every scenario, faint
    for pad_s in paden:
        boven.plot(x, pad_s, color="#5a3200", linewidth=0.7, alpha=dun)
    boven.plot(x, tab["plaatsen_p50"], color=kleur, linewidth=2.4, marker="o", markersize=4)
    boven.plot(x, tab["plaatsen_gemiddeld"], color=kleur, linewidth=1.3, linestyle=":")
    laatste = len(perioden) - 1
    for t in sorted({int(np.argmax(tab["plaatsen_p50"])), laatste}):
        boven.annotate(
            f"mediaan {nl_getal(tab['plaatsen_p50'].iloc[t])}",
            (x[t], tab["plaatsen_p50"].iloc[t]),
            xytext=(-4 if t == laatste else 0, 9),
            textcoords="offset points",
            ha="right" if t == laatste else "center",
            fontsize=9,
            color=kleur,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.8, "lw": 0},
        )
    # up to the 95th percentile: the few highest scenarios run off the top rather than
    # squeezing the fall in the other scenarios into a thin strip
    boven.set_ylim(0, float(tab["plaatsen_p95"].max()) * 1.15 or 1.0)
    boven.set_ylabel("flexplaatsen (personen)", fontsize=10)
    boven.yaxis.set_major_formatter(_GETAL)
    boven.set_title(
        "Landelijke flexplaatsen over de scenario's", fontsize=12, loc="left", color="#1b1f24"
    )
    _periode_as(boven, perioden, labels=False)

    onder.bar(x, tab["geleverd"], width=0.7, color=_GELEVERD)
    onder.bar(x, -tab["gesloten"], width=0.7, color=_GESLOTEN)
    onder.bar(x, -tab["verplaatst"], bottom=-tab["gesloten"], width=0.7, color=_VERPLAATST)
    onder.axhline(0, color="#1b1f24", linewidth=0.8)
    diep = float((tab["gesloten"] + tab["verplaatst"]).max())
    hoog = float(tab["geleverd"].max())
    marge = 0.12 * max(hoog, diep, 1.0)
    for t, (kans, weg) in enumerate(
        zip(tab["kans_sluiten"], tab["gesloten"] + tab["verplaatst"], strict=True)
    ):
        if kans > 0:
            onder.annotate(
                f"{nl_getal(100 * kans)}%",
                (x[t], -weg),
                xytext=(0, -3),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=9,
                color=_GESLOTEN,
            )
    onder.set_ylim(-diep - 2 * marge, hoog + marge)
    onder.set_ylabel("modules per scenario", fontsize=10)
    onder.yaxis.set_major_formatter(FuncFormatter(lambda v, _: nl_getal(abs(v))))
    onder.set_title(
        "Modules per halfjaar, verwacht per scenario: nieuw beschikbaar (omhoog), gesloten en "
        "verplaatst (omlaag); % = aandeel scenario's dat sluit",
        fontsize=12,
        loc="left",
        color="#1b1f24",
    )
    _periode_as(onder, perioden, labels=True)
    onder.set_xlabel("halfjaar", fontsize=10)
    handles = [
        Line2D([], [], color=kleur, linewidth=2.4, marker="o", markersize=4, label="mediaan"),
        Patch(facecolor=kleur, alpha=0.35, label="25-75%"),
        Patch(facecolor=kleur, alpha=0.15, label="5-95%"),
        Line2D([], [], color=kleur, linewidth=1.3, linestyle=":", label="gemiddeld"),
        Line2D([], [], color="#5a3200", linewidth=0.7, alpha=0.6, label="elk scenario"),
        Patch(facecolor=_GELEVERD, label="nieuw beschikbaar"),
        Patch(facecolor=_GESLOTEN, label="gesloten"),
        Patch(facecolor=_VERPLAATST, label="verplaatst naar een andere regio"),
    ]
    return _rond_af(
        fig,
        "Rollend plannen: op- en afschalen per halfjaar",
        pad,
        (0, 0.045, 1, 0.96),
        handles,
        h_pad=1.2,
    )

"""Taakstelling swaps (Huisvestingswet art. 29(2)) as pairs: who hands how many to whom.

The model decides per gemeente how many persons of its opgave it hands to
others (``ruil_af``) and takes over (``ruil_bij``), with one balance per region
(`allocatie.model.bouw`). A regisseur reads agreements between two gemeenten,
so `ruilparen` turns the net amounts of each region into pairs, deterministically:
the largest giver hands to the largest taker first (ties by gemeente code),
as much as both can, and so on. Every region balances, so every person handed
over lands with exactly one taker.
"""

from __future__ import annotations

import pandas as pd

from allocatie.ronde.instance import REGIOSOORTEN, Instance

#: Columns of `AllocationResult.ruilingen`, in order.
RUILING_KOLOMMEN: tuple[str, ...] = (
    "regio_soort",
    "regio_code",
    "van_gemeente",
    "van_naam",
    "naar_gemeente",
    "naar_naam",
    "personen",
)


def lege_ruilingen() -> pd.DataFrame:
    """An empty swaps table (swaps off, or nothing swapped)."""
    return pd.DataFrame(
        {c: pd.Series([], dtype="int64" if c == "personen" else object) for c in RUILING_KOLOMMEN}
    )


def ruilparen(inst: Instance, per_gemeente: pd.DataFrame) -> pd.DataFrame:
    """The swaps of a result as pairs within each region of the preset's ``[ruil] regio``.

    Parameters
    ----------
    inst
        The round (its gemeenten give the region codes).
    per_gemeente
        The result's per-gemeente table with ``ruil_af`` and ``ruil_bij``.

    Returns
    -------
    pandas.DataFrame
        One row per (giver, taker) pair, columns `RUILING_KOLOMMEN`, sorted by
        region and then in pairing order.

    Examples
    --------
    Gemeente A hands 3, B hands 1, C takes 4: pairs A -> C 3 and B -> C 1.
    """
    soort = inst.preset.ruil.regio
    regio = dict(
        zip(
            inst.gemeenten["gemeente_code"],
            inst.gemeenten[REGIOSOORTEN[soort]],
            strict=True,
        )
    )
    g = per_gemeente
    netto = (g["ruil_bij"] - g["ruil_af"]).to_numpy()
    namen = dict(zip(g["gemeente_code"], g["gemeente_naam"], strict=True))
    per_regio: dict[str, list[tuple[str, int]]] = {}
    for code, n in zip(g["gemeente_code"], netto, strict=True):
        if n != 0:
            per_regio.setdefault(str(regio[code]), []).append((str(code), int(n)))
    rijen = []
    for rc in sorted(per_regio):
        # Givers and takers, most persons first, ties by code.
        geef = sorted(((-n, c) for c, n in per_regio[rc] if n < 0), key=lambda p: (-p[0], p[1]))
        neem = sorted(((n, c) for c, n in per_regio[rc] if n > 0), key=lambda p: (-p[0], p[1]))
        rest_g = [n for n, _ in geef]
        rest_n = [n for n, _ in neem]
        i = j = 0
        while i < len(geef) and j < len(neem):
            k = min(rest_g[i], rest_n[j])
            van, naar = geef[i][1], neem[j][1]
            rijen.append((soort, rc, van, namen[van], naar, namen[naar], k))
            rest_g[i] -= k
            rest_n[j] -= k
            i += rest_g[i] == 0
            j += rest_n[j] == 0
    if not rijen:
        return lege_ruilingen()
    uit = pd.DataFrame(rijen, columns=list(RUILING_KOLOMMEN))
    return uit.astype({"personen": "int64"})

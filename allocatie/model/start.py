"""A fast greedy start: place households where need is largest, within every capacity.

The first objective level is solved from this point instead of "nobody placed",
so that even a solve stopped early (a tight time limit, a national round)
returns a sensible allocation with an honest gap. It is a heuristic: the levels
that follow improve it; it never decides a level's value.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from allocatie.model.bouw import AllocatieModel

#: Row families that limit the counts from above and contain only ``x`` columns.
CAPACITEITSRIJEN = ("cap_persons", "cap_units", "region_cap")


def gretige_start(model: AllocatieModel, opgave: np.ndarray) -> np.ndarray:
    """A feasible point of ``model`` that places as many households as a greedy pass can.

    Types are taken most constrained first (fewest admissible options, then the
    largest households, which are hardest to fit); each household goes to the
    admissible option with room whose gemeente has the largest remaining need
    (ties: the lower cost). Capacities of options and regions are respected
    row by row from the model's own matrix, so the point satisfies every row;
    ``tekort``, ``over``, ``zmax`` and ``omax`` follow from the placements.
    Households fixed by a lock are placed first, as in
    `AllocatieModel.startoplossing`.
    """
    v = model.startoplossing(opgave)
    X = model.kolommen["x"]
    typen = model.typen
    Q = typen.n_paren
    if Q == 0:
        return v
    rijen = [model.rijen[f] for f in CAPACITEITSRIJEN if f in model.rijen]
    idx = np.concatenate([np.arange(s.start, s.stop) for s in rijen])
    C = sp.csc_array(model.A[idx][:, X])  # capacity rows x type pairs
    ruimte_over = model.rij_boven[idx] - C @ v[X]
    need = model.rijen["need"]
    N = sp.csc_array(model.A[need.start : need.stop, X])  # persons per pair in its gemeente row
    gemeente_van = np.full(Q, -1)
    nc = N.tocoo()
    gemeente_van[nc.col] = nc.row
    personen_q = np.zeros(Q)
    personen_q[nc.col] = nc.data
    nodig = opgave.astype(float) - N @ v[X]
    kosten = typen.kosten

    onbediend = model.kolommen["onbediend"]
    over_n = v[onbediend].copy()  # households of each type still unplaced
    begin = np.searchsorted(typen.t, np.arange(len(typen)))
    eind = np.searchsorted(typen.t, np.arange(len(typen)), side="right")
    lengte = eind - begin
    volgorde = np.lexsort((-personen_q[np.minimum(begin, Q - 1)], lengte))
    xv = v[X].copy()
    for t in volgorde.tolist():
        if over_n[t] < 1 or lengte[t] == 0:
            continue
        q = np.arange(begin[t], eind[t])
        while over_n[t] >= 1:
            # How many households of type t still fit in each option (all capacity rows).
            kolom = C[:, q].tocsc()
            past = _past(kolom, ruimte_over)
            kan = past >= 1
            if not kan.any():
                break
            kand = np.flatnonzero(kan)
            g = gemeente_van[q[kand]]
            score = np.where(g >= 0, nodig[np.maximum(g, 0)], -np.inf)
            j = kand[np.lexsort((kosten[q[kand]], -score))[0]]
            p = max(personen_q[q[j]], 1.0)
            k = int(
                min(over_n[t], past[j], max(1.0, np.floor(max(nodig[gemeente_van[q[j]]], 0) / p)))
            )
            col = kolom[:, [j]].tocoo()
            ruimte_over[col.row] -= k * col.data
            xv[q[j]] += k
            over_n[t] -= k
            if gemeente_van[q[j]] >= 0:
                nodig[gemeente_van[q[j]]] -= k * personen_q[q[j]]
    return _met_afgeleide(model, opgave, xv, over_n)


def _past(kolom: sp.csc_array, ruimte_over: np.ndarray) -> np.ndarray:
    """Per column: how many more units fit under every capacity row (inf: unlimited)."""
    ratio = np.full(kolom.nnz, np.inf)
    pos = kolom.data > 0
    ratio[pos] = np.floor(ruimte_over[kolom.indices[pos]] / kolom.data[pos] + 1e-9)
    past = np.full(kolom.shape[1], np.inf)
    niet_leeg = np.diff(kolom.indptr) > 0
    if niet_leeg.any():
        past[niet_leeg] = np.minimum.reduceat(ratio, kolom.indptr[:-1][niet_leeg])
    return past


def _met_afgeleide(
    model: AllocatieModel, opgave: np.ndarray, xv: np.ndarray, onbediend: np.ndarray
) -> np.ndarray:
    """The full point for counts ``xv``: slack columns from the ``need`` and fairness rows."""
    v = np.zeros(model.n_kolommen)
    v[model.kolommen["x"]] = xv
    v[model.kolommen["onbediend"]] = onbediend
    need = model.rijen["need"]
    geplaatst = model.A[need.start : need.stop, model.kolommen["x"]] @ xv
    tekort = np.maximum(0.0, opgave - geplaatst)
    over = np.maximum(0.0, geplaatst - opgave)
    v[model.kolommen["tekort"]] = tekort
    v[model.kolommen["over"]] = over
    zmax = model.kolommen["zmax"].start
    omax = model.kolommen["omax"].start
    # zmax >= (tekort[g] - vloer[g]) / opgave[g] over the fair rows (coefficient -opgave).
    fair = model.A[model.rijen["fair"]]
    if fair.shape[0]:
        a_z = -fair[:, [zmax]].toarray().ravel()
        links = fair[:, model.kolommen["tekort"]] @ tekort - model.rij_boven[model.rijen["fair"]]
        v[zmax] = float(np.clip(np.max(links / a_z, initial=0.0), 0.0, 1.0))
    fo = model.A[model.rijen["fair_over"]]
    a_o = -fo[:, [omax]].toarray().ravel()
    v[omax] = float(np.max((fo[:, model.kolommen["over"]] @ over) / a_o, initial=0.0))
    return v

"""Decode a solution of the model into placements and the result tables.

The model counts households per type and option; `gekozen_paren` hands those
counts out to the households of each type deterministically (the k-th household
of a type, by id, takes the type's k-th chosen slot). `maak_tabellen` then builds
every table from the chosen pairs alone (not from the model's auxiliary
variables), so that what is reported is what the placements imply.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from allocatie.invoer.vorige import NIET_GEPLAATST
from allocatie.model.bouw import AllocatieModel
from allocatie.ronde.instance import Instance


def gekozen_aantallen(model: AllocatieModel, v: np.ndarray) -> np.ndarray:
    """Households per type pair in a solution vector (the ``x`` columns rounded)."""
    return np.rint(v[model.kolommen["x"]]).astype(np.int64).clip(min=0)


def gekozen_paren(model: AllocatieModel, v: np.ndarray, huishouden_id: np.ndarray) -> np.ndarray:
    """Positions in ``model.paren`` of the chosen (household, option) pairs.

    Disaggregation, deterministic: within each type, the households in
    ascending ``huishouden_id`` order fill the chosen options in ascending
    option order, ``x[t,o]`` households each; the remaining households of the
    type stay unplaced. The same input therefore gives the same placements.
    (In the per-household formulation every type is one household and this
    just reads off the binaries.)

    Parameters
    ----------
    model
        The model that was solved.
    v
        A solution vector of it.
    huishouden_id
        The households' ids, in household order.

    Returns
    -------
    numpy.ndarray
        Sorted positions of the chosen pairs in ``model.paren``.

    Raises
    ------
    ValueError
        When a type gets more households than it has (a broken ``assign`` row).
    """
    typen, paren = model.typen, model.paren
    aantal = gekozen_aantallen(model, v)
    per_type = np.bincount(typen.t, weights=aantal, minlength=len(typen)).astype(np.int64)
    if (per_type > typen.aantal).any():
        te_veel = int(np.flatnonzero(per_type > typen.aantal)[0])
        raise ValueError(
            f"type {te_veel} krijgt {per_type[te_veel]} plaatsingen maar telt "
            f"{typen.aantal[te_veel]} huishoudens"
        )
    # Households by type, then id: the k-th of a type takes the type's k-th chosen slot.
    rang = np.argsort(np.asarray(huishouden_id, dtype=str), kind="stable")
    id_rang = np.empty(len(rang), dtype=np.int64)
    id_rang[rang] = np.arange(len(rang))
    volgorde = np.lexsort((id_rang, typen.type_van))
    type_begin = np.cumsum(typen.aantal) - typen.aantal
    # Slots: type pairs repeated by their count, in (type, option) order.
    q = np.repeat(np.arange(typen.n_paren), aantal)
    t = typen.t[q]
    slot_begin = np.cumsum(per_type) - per_type
    k = np.arange(len(q)) - slot_begin[t]
    h = volgorde[type_begin[t] + k]
    o = typen.o[q]
    # Pairs are sorted by household then option: look each chosen pair up.
    breedte = int(max(paren.o.max(initial=-1), o.max(initial=-1))) + 1
    sleutel = paren.h.astype(np.int64) * breedte + paren.o
    gezocht = h * breedte + o
    p = np.searchsorted(sleutel, gezocht)
    if (p >= len(sleutel)).any() or (sleutel[p.clip(max=len(sleutel) - 1)] != gezocht).any():
        raise ValueError("een gekozen paar is voor een huishouden van zijn type niet toelaatbaar")
    return np.sort(p)


def maak_tabellen(
    inst: Instance, model: AllocatieModel, v: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """Placements, unplaced, per-gemeente and per-option tables, and level values.

    The model's counts per type and option are first handed out to households
    (`gekozen_paren`); every table then follows from those placements, with
    each household's own cost terms and travel times.
    """
    hh, op, gem = inst.huishoudens, inst.opties, inst.gemeenten
    paren = model.paren
    p = gekozen_paren(model, v, hh["huishouden_id"].to_numpy(object))
    h, o = paren.h[p], paren.o[p]
    plaatsingen = pd.DataFrame(
        {
            "huishouden_id": hh["huishouden_id"].to_numpy(object)[h],
            "personen": hh["personen"].to_numpy()[h],
            "nareizigers": hh["nareizigers"].to_numpy()[h],
            "aanbod_id": op["aanbod_id"].to_numpy(object)[o],
            "soort": op["soort"].to_numpy(object)[o],
            "gemeente_code": op["gemeente_code"].to_numpy(object)[o],
            "azc_gemeente": hh["azc_gemeente"].to_numpy(object)[h],
            "kosten": paren.kosten[p],
            **{f"kosten_{k}": d[p] for k, d in paren.kostendelen.items()},
            **{
                f"reistijd_{k.removesuffix('_gemeente')}_min": d[p]
                for k, d in paren.reistijd_min.items()
            },
        }
    ).sort_values("huishouden_id", kind="stable", ignore_index=True)

    geplaatst_h = np.zeros(len(hh), dtype=bool)
    geplaatst_h[h] = True
    n_opties = np.bincount(paren.h, minlength=len(hh))
    niet = np.flatnonzero(~geplaatst_h)
    ids = hh["huishouden_id"].to_numpy(object)
    conflict = (
        {}
        if model.onhaalbaar is None
        else dict(zip(model.onhaalbaar["huishouden_id"], model.onhaalbaar["conflict"], strict=True))
    )
    onbediend = pd.DataFrame(
        {
            "huishouden_id": ids[niet],
            "personen": hh["personen"].to_numpy()[niet],
            "ruimte": hh["ruimte"].to_numpy()[niet],
            "passende_opties": n_opties[niet],
            "reden": [
                (
                    "geen passende optie: "
                    + conflict.get(i, "de harde criteria sluiten elkaar uit")
                    if n == 0
                    else "passende opties vol of elders nodig"
                )
                for i, n in zip(ids[niet], n_opties[niet], strict=True)
            ],
        },
        columns=["huishouden_id", "personen", "ruimte", "passende_opties", "reden"],
    )

    gidx = inst.gemeente_index
    og = np.array([gidx[c] for c in plaatsingen["gemeente_code"]], dtype=np.int64)
    personen_g = np.bincount(
        og, weights=plaatsingen["personen"].to_numpy(float), minlength=len(gem)
    )
    huishoudens_g = np.bincount(og, minlength=len(gem))
    eigen_opgave = gem["opgave"].to_numpy(float)
    per_gemeente = gem[
        [
            "gemeente_code",
            "gemeente_naam",
            "taakstelling",
            "achterstand",
            "voorsprong",
            "gerealiseerd",
            "gecorrigeerd",
            "opgave",
            "aanbod_personen",
        ]
    ].copy()
    # Swaps are decisions, not placements: read them from the solution (0 without swaps).
    af, bij = (
        np.rint(v[model.kolommen[f]]).astype(np.int64)
        if f in model.kolommen
        else np.zeros(len(gem), dtype=np.int64)
        for f in ("ruil_af", "ruil_bij")
    )
    positie = per_gemeente.columns.get_loc("opgave") + 1
    per_gemeente.insert(positie, "ruil_af", af)
    per_gemeente.insert(positie + 1, "ruil_bij", bij)
    per_gemeente.insert(positie + 2, "opgave_na_ruil", (eigen_opgave - af + bij).astype(np.int64))
    opgave = per_gemeente["opgave_na_ruil"].to_numpy(float)
    per_gemeente["geplaatst"] = personen_g.astype(np.int64)
    per_gemeente["huishoudens"] = huishoudens_g.astype(np.int64)
    per_gemeente["tekort"] = np.maximum(0, opgave - personen_g).astype(np.int64)
    per_gemeente["overvulling"] = np.maximum(0, personen_g - opgave).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(opgave > 0, per_gemeente["tekort"].to_numpy(float) / opgave, 0.0)
    per_gemeente["relatief_tekort"] = rel
    # Shortfall the gemeente's own supply cannot avoid; the rest is what fairness weighs.
    # Both against the gemeente's own opgave (before swaps), as in the model's fair rows.
    vloer = np.maximum(0.0, eigen_opgave - per_gemeente["aanbod_personen"].to_numpy(float))
    per_gemeente["tekort_door_aanbod"] = np.minimum(per_gemeente["tekort"], vloer).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        vermijdbaar = np.where(
            eigen_opgave > 0,
            np.maximum(0.0, per_gemeente["tekort"].to_numpy(float) - vloer) / eigen_opgave,
            0.0,
        )
    relatief_over = per_gemeente["overvulling"].to_numpy(float) / np.maximum(
        1.0, per_gemeente["taakstelling"].to_numpy(float)
    )
    # Saldo for the next period: positive = achterstand, negative = voorsprong.
    # A swap is an agreement between gemeenten: the carry-over is against the adjusted task.
    per_gemeente["saldo"] = (
        per_gemeente["gecorrigeerd"]
        - per_gemeente["ruil_af"]
        + per_gemeente["ruil_bij"]
        - per_gemeente["gerealiseerd"]
        - per_gemeente["geplaatst"]
    )

    k = op["max_per_eenheid"].to_numpy(float)
    alleen = (hh["ruimte"].to_numpy()[h] == 1).astype(float)
    slots = np.bincount(o, weights=np.where(alleen == 1, 1.0, k[o]), minlength=len(op))
    per_optie = op[
        ["aanbod_id", "soort", "naam", "gemeente_code", "eenheden", "capaciteit_personen"]
    ].copy()
    per_optie["eenheden_gebruikt"] = np.ceil(slots / k - 1e-9).astype(np.int64)
    per_optie["huishoudens"] = np.bincount(o, minlength=len(op)).astype(np.int64)
    per_optie["personen"] = np.bincount(
        o, weights=hh["personen"].to_numpy(float)[h], minlength=len(op)
    ).astype(np.int64)
    per_optie["ruimte_gebruikt"] = np.bincount(
        o, weights=hh["ruimte"].to_numpy(float)[h], minlength=len(op)
    ).astype(np.int64)

    doelwaarden = {
        "onbediend": float(onbediend["personen"].sum()),
        "tekort": float(per_gemeente["tekort"].sum()),
        "eerlijkheid": float(vermijdbaar.max()) if len(vermijdbaar) else 0.0,
        "kosten": float(plaatsingen["kosten"].sum()),
        "overvulling": float(relatief_over.max()) if len(relatief_over) else 0.0,
    }
    if "ruil_af" in model.kolommen:
        doelwaarden["ruil"] = float(per_gemeente["ruil_af"].sum())
    if model.vorige is not None:
        # Previously placed households (option gone or not) not at their previous option now.
        nu = np.full(len(hh), -3, dtype=np.int64)
        nu[h] = o
        eerder = model.vorige != NIET_GEPLAATST
        doelwaarden["stabiliteit"] = float(np.count_nonzero(eerder & (nu != model.vorige)))
    return plaatsingen, onbediend, per_gemeente, per_optie, doelwaarden

"""The frozen `AllocationResult`: placements and per-gemeente / per-option tables.

Tables are built from the chosen pairs alone (not from the model's auxiliary
variables), so that what is reported is what the placements imply. The model
counts households per type and option; `gekozen_paren` hands those counts out
to the households of each type deterministically (see there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from allocatie.instance import Instance
from allocatie.model.bouw import AllocatieModel
from allocatie.model.onhaalbaar import lege_onhaalbaar
from allocatie.ruil import lege_ruilingen
from allocatie.solvers.base import Status
from allocatie.vorige import NIET_GEPLAATST, VorigeUitkomst

#: Columns of `AllocationResult.verschuivingen` (see `allocatie.verschuiving`), in order.
VERSCHUIVING_KOLOMMEN: tuple[str, ...] = (
    "huishouden_id",
    "personen",
    "soort",
    "vorige_optie",
    "vorige_gemeente",
    "nieuwe_optie",
    "nieuwe_gemeente",
    "telt_mee",
    "reden",
)


def lege_verschuivingen() -> pd.DataFrame:
    """An empty `AllocationResult.verschuivingen` table (no previous outcome, or nothing moved)."""
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in VERSCHUIVING_KOLOMMEN})


@dataclass(frozen=True)
class NiveauUitkomst:
    """One lexicographic objective level as solved.

    Attributes
    ----------
    naam
        Level name (``onbediend``, ``tekort``, ...).
    status
        Solver status of this level.
    waarde
        The level's objective at the solver's solution of this level.
    grens
        Proven lower bound of this level (None if the solver gave none).
    gap
        ``|waarde - grens| / max(1, |waarde|)``.
    vastgehouden
        The upper limit this level was held at for the later levels.
    tijd_s
        Wall time of this level's solve.
    klok
        The wall-clock limit (the safety net, not the work budget) cut a solve
        of this level short: another run may end elsewhere.
    """

    naam: str
    status: Status
    waarde: float | None
    grens: float | None
    gap: float | None
    vastgehouden: float | None
    tijd_s: float
    klok: bool = False

    @property
    def gap_absoluut(self) -> float | None:
        """``waarde - grens`` (the gap of a min-max level in its own units), or None."""
        if self.waarde is None or self.grens is None:
            return None
        return max(0.0, self.waarde - self.grens)


@dataclass(frozen=True)
class AllocationResult:
    """A solved (or best-found) allocation of one round.

    Attributes
    ----------
    status
        ``OPTIMAAL`` when every level was solved to the gap; ``WERKBUDGET``
        when a level used up its work budget with its gap open (reproducible);
        ``TIJDSLIMIET`` when the time limit cut a level short (not
        reproducible, see ``reproduceerbaar``); ``GEEN_OPLOSSING`` when the
        first level found none.
    backend, solver
        Backend name and solver version string.
    niveaus
        The levels in the order they were solved.
    doelwaarden
        Each level's value recomputed from the placements.
    plaatsingen
        One row per placed household with option, gemeente and cost terms.
    onbediend
        One row per household not placed, with the number of admissible options.
    per_gemeente
        Need, placed persons, shortfall, over-fulfilment and the carry-over saldo.
        With taakstelling swaps (preset ``[ruil]``): ``ruil_af`` (persons of the
        opgave handed to other gemeenten), ``ruil_bij`` (taken over) and
        ``opgave_na_ruil``, which shortfall, over-fulfilment and saldo are
        measured against (both 0 without swaps).
    per_optie
        Units and persons used per option.
    wall_s, bouw_s
        Total wall time and model build time (seconds).
    modelgrootte
        Counts of household pairs (``paren``), household types (``types``), type
        pairs (``typeparen``, the ``x`` columns), variables, integer variables,
        rows and non-zeros.
    signalen
        Diagnostics visible before solving (Dutch sentences with numbers).
    formulering
        The model formulation solved: ``"types"`` (counts per type of
        interchangeable households, the default) or ``"huishoudens"`` (one
        binary per household and option).
    onhaalbaar
        One row per household without any admissible option: the smallest set
        of hard criteria that conflict, with the number of options each allows
        (`allocatie.model.onhaalbaar.diagnoseer_onhaalbaar`). Those households
        are unplaced; the rest of the round is solved.
    vorige
        The previous outcome of a re-run (`allocatie.vorige`), or None.
    verschuivingen
        On a re-run: one row per household whose placement differs from
        ``vorige``, with the old and new option and the reason in Dutch
        (`allocatie.verschuiving.verklaar_verschuivingen`); empty otherwise.
    ruilingen
        With taakstelling swaps: one row per (giver, taker) pair within a
        region, from the net swaps per gemeente (`allocatie.ruil.ruilparen`);
        empty otherwise.
    reproduceerbaar
        True when every solve ran to its own work budget (`SolverOpties.inspanning`):
        the same input, options and package versions then give the same
        allocation on any machine load. False when the wall-clock limit (the
        safety net) cut in somewhere (see `NiveauUitkomst.klok`).
    strategie
        Dutch sentences on how the levels were solved where that differs from
        the default strategy (e.g. a backend without an LP interface: every
        level one plain MIP).
    opties
        The solver options actually used (backend, limits, gap, threads, seed,
        inspanning), as plain values.
    """

    status: Status
    backend: str
    solver: str
    niveaus: tuple[NiveauUitkomst, ...]
    doelwaarden: dict[str, float]
    plaatsingen: pd.DataFrame
    onbediend: pd.DataFrame
    per_gemeente: pd.DataFrame
    per_optie: pd.DataFrame
    wall_s: float
    bouw_s: float
    modelgrootte: dict[str, int] = field(default_factory=dict)
    signalen: tuple[str, ...] = ()
    formulering: str = "types"
    onhaalbaar: pd.DataFrame = field(default_factory=lege_onhaalbaar)
    vorige: VorigeUitkomst | None = None
    verschuivingen: pd.DataFrame = field(default_factory=lege_verschuivingen)
    ruilingen: pd.DataFrame = field(default_factory=lege_ruilingen)
    reproduceerbaar: bool = True
    strategie: tuple[str, ...] = ()
    opties: dict[str, Any] = field(default_factory=dict)

    @property
    def grens(self) -> float | None:
        """Bound of the last solved level (the level whose gap is reported)."""
        return self.niveaus[-1].grens if self.niveaus else None

    @property
    def gap(self) -> float | None:
        """Largest relative gap over the solved levels (None if any is unknown)."""
        gaps = [n.gap for n in self.niveaus]
        return (
            None
            if not gaps or any(g is None for g in gaps)
            else max(g for g in gaps if g is not None)
        )

    def samenvatting(self) -> dict[str, Any]:
        """A machine-readable summary (plain JSON types)."""
        g = self.per_gemeente
        return {
            "status": self.status.value,
            "backend": self.backend,
            "solver": self.solver,
            "wall_s": round(self.wall_s, 3),
            "bouw_s": round(self.bouw_s, 3),
            "gap": self.gap,
            "reproduceerbaar": self.reproduceerbaar,
            "strategie": list(self.strategie),
            "opties": dict(self.opties),
            "niveaus": [
                {
                    "naam": n.naam,
                    "status": n.status.value,
                    "waarde": n.waarde,
                    "grens": n.grens,
                    "gap": n.gap,
                    "gap_absoluut": n.gap_absoluut,
                    "vastgehouden": n.vastgehouden,
                    "tijd_s": round(n.tijd_s, 3),
                    "klok": n.klok,
                }
                for n in self.niveaus
            ],
            "doelwaarden": {k: float(v) for k, v in self.doelwaarden.items()},
            "aantallen": {
                "huishoudens_geplaatst": len(self.plaatsingen),
                "personen_geplaatst": int(self.plaatsingen["personen"].sum()),
                "huishoudens_onbediend": len(self.onbediend),
                "personen_onbediend": int(self.onbediend["personen"].sum()),
                "opgave": int(g["opgave"].sum()),
                "tekort": int(g["tekort"].sum()),
                "overvulling": int(g["overvulling"].sum()),
                # Persons of the taakstelling handed over (only when swaps are on).
                **({"geruild": int(g["ruil_af"].sum())} if "ruil" in self.doelwaarden else {}),
            },
            "formulering": self.formulering,
            "modelgrootte": dict(self.modelgrootte),
            "signalen": list(self.signalen),
            "onhaalbaar": [
                {"huishouden_id": str(r.huishouden_id), "criteria": str(r.criteria)}
                for r in self.onhaalbaar.itertuples(index=False)
            ],
            **({} if self.vorige is None else {"stabiliteit": self._stabiliteit()}),
            "per_gemeente": [
                {k: (v.item() if hasattr(v, "item") else v) for k, v in rij.items()}
                for rij in g.to_dict(orient="records")
            ],
        }

    def _stabiliteit(self) -> dict[str, Any]:
        """Counts of the moves against the previous outcome, by kind, for the summary."""
        v = self.verschuivingen
        soort = v["soort"].value_counts()
        return {
            "vorige_uitkomst": None if self.vorige is None else self.vorige.bron,
            "verschuivingen": int(v["telt_mee"].astype(bool).sum()),
            **{str(k): int(n) for k, n in soort.items()},
        }


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

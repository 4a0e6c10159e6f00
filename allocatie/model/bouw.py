"""Build the allocation MIP of one round as sparse arrays, in named families.

The model is written over household *types* (`allocatie.model.toelaatbaar.bouw_typen`):
``n[t]`` interchangeable households of type t share ``personen[t]``,
``ruimte[t]``, their admissible options and their costs. In the default
formulation ``"types"`` every group of interchangeable households is one type;
in the per-household formulation ``"huishoudens"`` (the benchmark baseline)
every household is a type of its own, ``n[t] = 1``, and the model is the
classic one binary per (household, option) pair. Both have the same optimum
on every level.

Variables (columns), in this order:

``x[q]``          integer in [0, n[t]]: how many households of type t go to option o,
                  for each admissible type pair q = (t, o) (binary when n[t] = 1)
``onbediend[t]``  in [0, n[t]], households of type t not placed (integral through ``assign``);
                  0 for a type of households whose lock is fixed (`allocatie.model.vastlegging`:
                  locked households are their own types, shared only with identical locks)
``tekort[g]``     >= 0, persons short of gemeente g's remaining need (opgave)
``over[g]``       >= 0, persons placed beyond that need
``zmax``          in [0, 1], the largest relative shortfall that the gemeente's own supply
                  does not explain: ``(tekort[g] - vloer[g]) / opgave[g]``
``omax``          >= 0, the largest over-fulfilment relative to the taakstelling
``ruil_af[g]``    integer >= 0, persons of g's opgave handed to other gemeenten of its
                  region (only when the preset allows swaps, ``[ruil] toegestaan``)
``ruil_bij[g]``   integer >= 0, persons of other gemeenten's opgave that g takes over (idem)

Constraints (rows), each a named family:

``assign[t]``      sum_o x[t,o] + onbediend[t] = n[t]
``cap_persons[o]`` sum_t ruimte[t] x[t,o] <= capaciteit_personen[o]
``cap_units[o]``   sum_t u[t,o] x[t,o] <= k[o] * eenheden[o]; a single uses 1 of the k
                   slots of a shareable unit, any other household all k of them
``need[g]``        sum personen[t] x[t,o in g] + tekort[g] - over[g] = opgave[g]
                   (with swaps: ``= opgave[g] - ruil_af[g] + ruil_bij[g]``, the adjusted opgave)
``ruil_balans[r]`` sum_{g in r} (ruil_bij[g] - ruil_af[g]) = 0, one row per region of the
                   preset's ``[ruil] regio`` (Huisvestingswet art. 29(2): the sum is unchanged)
``region_cap[r]``  sum personen[t] x[t,o in r] <= max_personen[r]
``fair[g]``        tekort[g] - opgave[g] zmax <= vloer[g]   (only where opgave[g] > 0)
``fair_over[g]``   over[g] - max(1, taakstelling[g]) omax <= 0

``vloer[g] = max(0, opgave[g] - aanbod[g])`` is the shortfall that gemeente g
cannot avoid with its own supply (``aanbod`` in persons, `aanbod_personen`), so a
gemeente without homes does not pin the fairness level at 100% for everyone.

Swaps (`allocatie.ronde.presets.Ruil`). Bounds: ``ruil_af[g] <= min(opgave[g],
floor(max_aandeel * taakstelling[g]))`` (the adjusted opgave stays >= 0) and
``ruil_bij[g] <= floor(max_ontvangen * taakstelling[g])``; a gemeente without a
region code or alone in its region gets 0. ``tekort[g]`` then shortfalls the
adjusted opgave (its upper bound grows by the ``ruil_bij`` bound), and so does
``over[g]``. The fairness rows keep their constant denominator ``opgave[g]``
and floor ``vloer[g]`` of the gemeente's *own* opgave, so they stay linear: the
adjusted floor ``max(0, opgave - ruil_af + ruil_bij - aanbod)`` would make them
non-convex. That is meaningful because the level ``ruil`` (persons handed over,
``sum ruil_af``) directly follows ``tekort``: swaps exist only as far as they
reduce the total shortfall, i.e. a giver hands over what it cannot place and a
taker takes what it can fill; a giver's shortfall against its smaller adjusted
opgave is then weighed against its own opgave, and a taker's extra persons are
not excused by a floor (a taker that fails its taken-over persons is less fair,
not more). A taker with opgave 0 has no fair row; its shortfall counts in
``tekort``. ``fair_over`` weighs over-fulfilment of the adjusted opgave.
Without swaps the columns and rows do not exist: the model is unchanged.

Objective levels (one cost vector each): ``onbediend`` (persons not placed,
``personen[t] * onbediend[t]``), ``tekort`` (total shortfall), ``eerlijkheid``
(zmax), ``kosten`` (pair costs, ``kosten[t,o] * x[t,o]``)
and ``overvulling`` (omax); with swaps also ``ruil`` (``sum ruil_af``). Total
over-fulfilment is not a level of its own:
``sum over = sum placed + sum tekort - sum opgave`` is fixed once ``onbediend``
and ``tekort`` are held (swaps balance per region, so they leave the sum of the
opgaven unchanged), so the level spreads it instead.

On a re-run (``vorige``, `allocatie.invoer.vorige`) there is one more level,
``stabiliteit``: the households placed in the previous outcome that now leave
their previous option ``p[t]`` or stay unplaced,
``sum_{t placed before} (sum_{o != p[t]} x[t,o] + onbediend[t])``; by the
``assign`` row that is ``n[t] - x[t,p[t]]`` per type, exactly the count, without
a constant (``p[t]`` is -2 when the previous pair is gone or no longer
admissible: then every outcome counts). Types share their previous option
(``bouw_typen(vorige=...)``), in the coarse model too, so the level is exact
there and through `verfijn`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from allocatie.invoer.vorige import NIET_GEPLAATST, OPTIE_VERDWENEN, VorigeUitkomst, vorige_posities
from allocatie.model.onhaalbaar import diagnoseer_onhaalbaar
from allocatie.model.toelaatbaar import (
    Paren,
    Typen,
    bouw_paren,
    bouw_typen,
    criteriummaskers,
    optie_gemeente,
)
from allocatie.model.vastlegging import VastAnalyse, analyseer_vastleggingen, geen_vastleggingen
from allocatie.ronde.instance import REGIOSOORTEN, Instance
from allocatie.solvers.opbouw import Rijenbouwer

#: Column families of taakstelling swaps (present only when the preset allows them).
RUILKOLOMMEN: tuple[str, ...] = ("ruil_af", "ruil_bij")


def ruilgrenzen(inst: Instance) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per gemeente: region index for swaps (-1: none) and the bounds of ruil_af, ruil_bij.

    A gemeente can swap only with another gemeente of the same region (of the
    preset's ``[ruil] regio``); without a region code, or alone in its region,
    both bounds are 0.
    """
    ruil = inst.preset.ruil
    gem = inst.gemeenten
    codes = gem[REGIOSOORTEN[ruil.regio]].to_numpy(object)
    geldig = np.array([isinstance(c, str) and c != "" for c in codes])
    regio = np.full(len(gem), -1, dtype=np.int64)
    if geldig.any():
        _, inv, tel = np.unique(codes[geldig].astype(str), return_inverse=True, return_counts=True)
        regio[geldig] = np.where(tel[inv] > 1, inv, -1)
        # Number the regions with a partner 0, 1, ... (one balance row each).
        met = regio >= 0
        regio[met] = np.unique(regio[met], return_inverse=True)[1]
    taak = gem["taakstelling"].to_numpy(float)
    opgave = gem["opgave"].to_numpy(float)
    af = np.minimum(opgave, np.floor(ruil.max_aandeel * taak + 1e-9))
    bij = np.floor(ruil.max_ontvangen * taak + 1e-9)
    af[regio < 0] = 0.0
    bij[regio < 0] = 0.0
    return regio, af, bij


@dataclass(frozen=True)
class AllocatieModel:
    """The MIP in arrays, with named column and row families.

    Attributes
    ----------
    paren
        The admissible (household, option) pairs with their cost terms.
    typen
        The household types; its type pairs are the columns of family ``x``.
    formulering
        ``"types"`` or ``"huishoudens"`` (every household its own type).
    kolommen, rijen
        Family name -> slice of columns / rows.
    A, rij_onder, rij_boven, kol_onder, kol_boven, geheel
        The constraint matrix (CSR), row and column bounds, integrality.
    doelen
        Objective level name -> cost vector over all columns. A coarse model
        (``kosten=False`` in `bouw_model`) has no ``kosten`` level.
    vastleggingen
        The pre-solve analysis of the locks (fixed households, signals).
    vorige
        On a re-run: per household the position of its previous option
        (`allocatie.invoer.vorige.vorige_posities`: -1 not placed before, -2 option
        no longer in the round); None otherwise.
    onhaalbaar
        The households without any admissible option and the criteria that
        conflict (`allocatie.model.onhaalbaar.diagnoseer_onhaalbaar`); None
        in a coarse model.
    """

    paren: Paren
    typen: Typen
    formulering: str
    kolommen: dict[str, slice]
    rijen: dict[str, slice]
    A: sp.csr_array
    rij_onder: np.ndarray
    rij_boven: np.ndarray
    kol_onder: np.ndarray
    kol_boven: np.ndarray
    geheel: np.ndarray
    doelen: dict[str, np.ndarray]
    vastleggingen: VastAnalyse | None = None
    vorige: np.ndarray | None = None
    onhaalbaar: pd.DataFrame | None = None

    @property
    def n_kolommen(self) -> int:
        """Number of variables."""
        return int(self.kol_onder.shape[0])

    def startoplossing(self, opgave: np.ndarray) -> np.ndarray:
        """A feasible point: only the fixed locked households placed, every other need short.

        Without fixed locks nobody is placed. With them, each fixed household
        goes where `allocatie.model.vastlegging.analyseer_vastleggingen` put it
        (that placement fits every capacity), and ``tekort``, ``over`` and
        ``omax`` follow from the ``need`` and ``fair_over`` rows.
        """
        v = np.zeros(self.n_kolommen)
        onbediend = self.typen.aantal.astype(float).copy()
        tekort = opgave.astype(float).copy()
        over = np.zeros_like(tekort)
        va = self.vastleggingen
        if va is not None and va.vast.any():
            q_van = {
                (int(t), int(o)): q
                for q, (t, o) in enumerate(zip(self.typen.t, self.typen.o, strict=True))
            }
            need = self.rijen["need"]
            x = self.kolommen["x"]
            for h in np.flatnonzero(va.vast).tolist():
                t = int(self.typen.type_van[h])
                q = q_van[(t, int(va.plaats[h]))]
                v[x.start + q] += 1
                onbediend[t] -= 1
            geplaatst = self.A[need.start : need.stop, x] @ v[x]
            tekort = np.maximum(0.0, opgave - geplaatst)
            over = np.maximum(0.0, geplaatst - opgave)
            rij = self.A[self.rijen["fair_over"]]
            omax = rij[:, self.kolommen["omax"]].toarray().ravel()
            v[self.kolommen["omax"]] = float(np.max(over / -omax, initial=0.0))
        v[self.kolommen["onbediend"]] = onbediend
        v[self.kolommen["tekort"]] = tekort
        v[self.kolommen["over"]] = over
        v[self.kolommen["zmax"]] = 1.0 if (opgave > 0).any() else 0.0
        return v


def bouw_model(
    inst: Instance,
    *,
    formulering: str = "types",
    kosten: bool = True,
    paren: Paren | None = None,
    vorige: VorigeUitkomst | None = None,
) -> AllocatieModel:
    """Build the allocation MIP of ``inst`` (vectorised; no per-coefficient objects).

    Parameters
    ----------
    inst
        A validated round.
    formulering
        ``"types"`` (default): integer counts per type of interchangeable
        households and option; ``"huishoudens"``: one binary per admissible
        (household, option) pair. Same optimum on every level.
    kosten
        False: the *coarse* model over types that ignore pair costs
        (`allocatie.model.toelaatbaar.bouw_typen` with ``kosten=False``), for the
        levels that do not look at costs; it has no ``kosten`` level. Its
        solutions split into solutions of the full model with `verfijn`.
    paren
        The round's admissible pairs (`bouw_paren`), when already computed.
    vorige
        The previous outcome of a re-run (`allocatie.invoer.vorige`): adds the level
        ``stabiliteit`` and splits types by previous option.

    Raises
    ------
    ValueError
        On an unknown ``formulering``.
    """
    if paren is None:
        paren = bouw_paren(inst)
    analyse = (
        analyseer_vastleggingen(inst, criteriummaskers(inst))
        if len(inst.vastleggingen)
        else geen_vastleggingen(inst.n_huishoudens)
    )
    positie = blijf = None
    if vorige is not None:
        positie = vorige_posities(inst, vorige)
        blijf = _blijfoptie(paren, positie)
    typen = bouw_typen(inst, paren, formulering, vast=analyse.vast, kosten=kosten, vorige=blijf)
    Q, T, G = typen.n_paren, len(typen), len(inst.gemeenten)
    n_opties = len(inst.opties)
    kol = {
        "x": slice(0, Q),
        "onbediend": slice(Q, Q + T),
        "tekort": slice(Q + T, Q + T + G),
        "over": slice(Q + T + G, Q + T + 2 * G),
        "zmax": slice(Q + T + 2 * G, Q + T + 2 * G + 1),
        "omax": slice(Q + T + 2 * G + 1, Q + T + 2 * G + 2),
    }
    n = Q + T + 2 * G + 2
    ruil = inst.preset.ruil.toegestaan
    if ruil:
        kol["ruil_af"] = slice(n, n + G)
        kol["ruil_bij"] = slice(n + G, n + 2 * G)
        n += 2 * G
        ruilregio, af_max, bij_max = ruilgrenzen(inst)
    opgave = inst.gemeenten["opgave"].to_numpy(float)
    vert = typen.vertegenwoordiger
    personen = inst.huishoudens["personen"].to_numpy(float)[vert]
    ruimte = inst.huishoudens["ruimte"].to_numpy(float)[vert]
    aantal = typen.aantal.astype(float)
    op = inst.opties
    x = np.arange(Q)
    og = optie_gemeente(inst)
    qt, qo = typen.t, typen.o

    rows = Rijenbouwer()
    rows.voeg_toe(
        "assign",
        T,
        np.concatenate([qt, np.arange(T)]),
        np.concatenate([x, np.arange(T) + Q]),
        np.ones(Q + T),
        aantal,
        aantal,
    )
    rows.voeg_toe(
        "cap_persons",
        n_opties,
        qo,
        x,
        ruimte[qt],
        np.full(n_opties, -np.inf),
        op["capaciteit_personen"].to_numpy(float),
    )
    k = op["max_per_eenheid"].to_numpy(float)
    slot = np.where(ruimte[qt] == 1, 1.0, k[qo])
    rows.voeg_toe(
        "cap_units",
        n_opties,
        qo,
        x,
        slot,
        np.full(n_opties, -np.inf),
        k * op["eenheden"].to_numpy(float),
    )
    gi = np.arange(G)
    need_rij = [og[qo], gi, gi]
    need_kol = [x, gi + kol["tekort"].start, gi + kol["over"].start]
    need_waarde = [personen[qt], np.ones(G), -np.ones(G)]
    if ruil:
        # placed + tekort - over = opgave - ruil_af + ruil_bij
        need_rij += [gi, gi]
        need_kol += [gi + kol["ruil_af"].start, gi + kol["ruil_bij"].start]
        need_waarde += [np.ones(G), -np.ones(G)]
    rows.voeg_toe(
        "need",
        G,
        np.concatenate(need_rij),
        np.concatenate(need_kol),
        np.concatenate(need_waarde),
        opgave,
        opgave,
    )
    if ruil:
        R = int(ruilregio.max(initial=-1)) + 1
        ing = np.flatnonzero(ruilregio >= 0)
        rows.voeg_toe(
            "ruil_balans",
            R,
            np.concatenate([ruilregio[ing], ruilregio[ing]]),
            np.concatenate([ing + kol["ruil_bij"].start, ing + kol["ruil_af"].start]),
            np.concatenate([np.ones(len(ing)), -np.ones(len(ing))]),
            np.zeros(R),
            np.zeros(R),
        )
    rc = inst.regiocapaciteit
    if len(rc):
        r_rij, r_kol = [], []
        for r, (soort, code) in enumerate(zip(rc["regio_soort"], rc["regio_code"], strict=True)):
            in_regio = (inst.gemeenten[REGIOSOORTEN[soort]].to_numpy(object) == code)[og[qo]]
            p = np.flatnonzero(in_regio)
            r_rij.append(np.full(len(p), r))
            r_kol.append(p)
        pk = np.concatenate(r_kol)
        rows.voeg_toe(
            "region_cap",
            len(rc),
            np.concatenate(r_rij),
            pk,
            personen[qt[pk]],
            np.full(len(rc), -np.inf),
            rc["max_personen"].to_numpy(float),
        )
    fg = np.flatnonzero(opgave > 0)
    F = len(fg)
    rows.voeg_toe(
        "fair",
        F,
        np.concatenate([np.arange(F), np.arange(F)]),
        np.concatenate([fg + kol["tekort"].start, np.full(F, kol["zmax"].start)]),
        np.concatenate([np.ones(F), -opgave[fg]]),
        np.full(F, -np.inf),
        np.maximum(0.0, opgave - inst.gemeenten["aanbod_personen"].to_numpy(float))[fg],
    )
    rows.voeg_toe(
        "fair_over",
        G,
        np.concatenate([gi, gi]),
        np.concatenate([gi + kol["over"].start, np.full(G, kol["omax"].start)]),
        np.concatenate(
            [np.ones(G), -np.maximum(1.0, inst.gemeenten["taakstelling"].to_numpy(float))]
        ),
        np.full(G, -np.inf),
        np.zeros(G),
    )

    kol_onder = np.zeros(n)
    kol_boven = np.full(n, np.inf)
    kol_boven[kol["x"]] = aantal[qt]
    kol_boven[kol["onbediend"]] = aantal
    # A fixed lock must be honoured: its type (fixed households only) may not stay unplaced.
    vast_t = analyse.vast[vert]
    kol_boven[kol["onbediend"].start + np.flatnonzero(vast_t)] = 0.0
    kol_boven[kol["tekort"]] = opgave
    kol_boven[kol["zmax"]] = 1.0
    geheel = np.zeros(n, dtype=bool)
    # onbediend[t] = n[t] - sum_o x[t,o] is integral whenever x is: no need to branch on it.
    geheel[kol["x"]] = True
    if ruil:
        kol_boven[kol["ruil_af"]] = af_max
        kol_boven[kol["ruil_bij"]] = bij_max
        kol_boven[kol["tekort"]] = opgave + bij_max  # short of the adjusted opgave
        geheel[kol["ruil_af"]] = True
        geheel[kol["ruil_bij"]] = True

    niveaus: tuple[str, ...] = ("onbediend", "tekort", "eerlijkheid", "kosten", "overvulling")
    niveaus += ("stabiliteit",) if blijf is not None else ()
    niveaus += ("ruil",) if ruil else ()
    doelen = {naam: np.zeros(n) for naam in niveaus if kosten or naam != "kosten"}
    doelen["onbediend"][kol["onbediend"]] = personen
    doelen["tekort"][kol["tekort"]] = 1.0
    doelen["eerlijkheid"][kol["zmax"]] = 1.0
    if kosten:
        doelen["kosten"][kol["x"]] = typen.kosten
    doelen["overvulling"][kol["omax"]] = 1.0
    if ruil:
        doelen["ruil"][kol["ruil_af"]] = 1.0
    if blijf is not None:
        # Per type: placed before (-1: no); a household counts unless x[t, p[t]] keeps it.
        p_t = blijf[vert]
        eerder = p_t != NIET_GEPLAATST
        doelen["stabiliteit"][kol["x"]] = (eerder[qt] & (qo != p_t[qt])).astype(float)
        doelen["stabiliteit"][kol["onbediend"]] = eerder.astype(float)
    onhaalbaar = None
    if kosten:
        zonder = np.flatnonzero(np.bincount(paren.h, minlength=inst.n_huishoudens) == 0)
        onhaalbaar = diagnoseer_onhaalbaar(inst, zonder)

    return AllocatieModel(
        paren=paren,
        typen=typen,
        formulering=formulering,
        kolommen=kol,
        rijen=rows.families,
        A=rows.matrix(n),
        rij_onder=rows.onder,
        rij_boven=rows.boven,
        kol_onder=kol_onder,
        kol_boven=kol_boven,
        geheel=geheel,
        doelen=doelen,
        vastleggingen=analyse,
        vorige=positie,
        onhaalbaar=onhaalbaar,
    )


def _blijfoptie(paren: Paren, positie: np.ndarray) -> np.ndarray:
    """Per household: its previous option if the pair is still admissible, else -2 / -1.

    -1 (`NIET_GEPLAATST`): not placed before; -2 (`OPTIE_VERDWENEN`): placed
    before, but it cannot stay (the option is gone or no longer admissible).
    """
    blijf = positie.copy()
    eerder = np.flatnonzero(positie >= 0)
    if not len(eerder):
        return blijf
    if not len(paren):
        blijf[eerder] = OPTIE_VERDWENEN
        return blijf
    breedte = int(max(paren.o.max(), positie.max())) + 1
    sleutel = paren.h.astype(np.int64) * breedte + paren.o  # sorted: pairs by household, option
    gezocht = eerder * breedte + positie[eerder]
    p = np.searchsorted(sleutel, gezocht).clip(max=len(sleutel) - 1)
    blijf[eerder[sleutel[p] != gezocht]] = OPTIE_VERDWENEN
    return blijf


def verfijn(grof: AllocatieModel, fijn: AllocatieModel, v: np.ndarray) -> np.ndarray:
    """Split a solution ``v`` of the coarse model into one of the full model ``fijn``.

    Both models come from the same round; every coarse type is a union of fine
    types with the same admissible options, size and room, so how many of a
    coarse type go to an option can be split over its fine types in any way:
    every row (capacities, need, regions) and every level without costs keeps
    its value. The split is greedy by cost (cheapest fine pair first), a good
    start for the ``kosten`` level. The columns after ``x`` and ``onbediend``
    (``tekort``, ``over``, ``zmax``, ``omax`` and the swaps ``ruil_af``,
    ``ruil_bij``) are the same in both models.
    """
    tg, tf = grof.typen, fijn.typen
    xg = np.rint(v[grof.kolommen["x"]]).astype(np.int64)
    uit = np.zeros(fijn.n_kolommen)
    c_van = tg.type_van[tf.vertegenwoordiger]  # coarse type of each fine type
    # Fine pairs of the coarse pairs that carry households, cheapest first.
    sleutel_g = tg.t.astype(np.int64) * (tg.o.max(initial=0) + 1) + tg.o
    sleutel_f = c_van[tf.t].astype(np.int64) * (tg.o.max(initial=0) + 1) + tf.o
    volgorde_g = np.argsort(sleutel_g, kind="stable")
    pos = np.searchsorted(sleutel_g[volgorde_g], sleutel_f)
    qg = volgorde_g[np.minimum(pos, len(volgorde_g) - 1)]  # coarse pair of each fine pair
    kandidaat = np.flatnonzero(xg[qg] > 0)
    kandidaat = kandidaat[np.lexsort((kandidaat, tf.kosten[kandidaat]))]
    rest_g = xg.copy()
    rest_f = tf.aantal.astype(np.int64).copy()
    xf = np.zeros(tf.n_paren)
    for q in kandidaat.tolist():
        g, t = int(qg[q]), int(tf.t[q])
        k = min(rest_g[g], rest_f[t])
        if k > 0:
            xf[q] = k
            rest_g[g] -= k
            rest_f[t] -= k
    if rest_g.any():  # cannot happen when v is feasible for the coarse model
        raise ValueError("grove oplossing past niet in de fijne types")
    uit[fijn.kolommen["x"]] = xf
    uit[fijn.kolommen["onbediend"]] = rest_f
    for fam in ("tekort", "over", "zmax", "omax", *RUILKOLOMMEN):
        if fam in fijn.kolommen:
            uit[fijn.kolommen[fam]] = v[grof.kolommen[fam]]
    return uit

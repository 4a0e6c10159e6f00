"""The settings of the solve strategy: one frozen object, passed in, never patched.

Two kinds of fields. The *work budget* (node limits, search steps, test rounds,
the size up to which the full MIP runs) is what makes a solve deterministic:
every step stops at a measure of work, never at a time, so the same round
takes the same path on a busy and an idle machine (`Instellingen.uit` scales
it by ``SolverOpties.inspanning``). The *shape* of the search (neighbourhood
widths, targets of the min-max descent, column generation) comes with the
measurements that chose each value.

Examples
--------
>>> from allocatie.solvers import SolverOpties
>>> Instellingen.uit(SolverOpties(inspanning=2)).knopen_deel
1000
>>> Instellingen().buurt_k
4
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from allocatie.solvers.base import SolverOpties

__all__ = ["WERKVELDEN", "Instellingen"]


@dataclass(frozen=True)
class Instellingen:
    """Work budget and search shape of `allocatie.strategie` (see the module text)."""

    # --- work budget (scaled by ``inspanning``) ---
    #: Nodes of a RENS, neighbourhood or feasibility sub-MIP (HiGHS ``mip_max_nodes``).
    knopen_deel: int = 500
    #: Nodes times free columns of such a sub-MIP (a node costs an LP of its width): a
    #: sub-MIP of 10,000 free columns gets 100 nodes, one of 1,000 the full 500.
    knoopwerk: int = 1_000_000
    #: Nodes of the full MIP after reduced-cost fixing (and of a level without LP first).
    knopen_vol: int = 5_000
    #: The Lagrangian bound of a linear level (`allocatie.strategie.lagrange`) only when
    #: its largest block has at most this many columns: a block is one gemeente (national
    #: round: at most 2,000 columns) or one region with regiocapaciteit; a block as large
    #: as the level itself would repeat the level's MIP.
    lagrange_blok_max: int = 20_000
    #: Feasibility searches in one descent of a min-max level (`minmax_haalbaar`).
    zoekstappen: int = 6
    #: Rounds of the min-max test (`minmax_bewijs`) per best value.
    toetsrondes: int = 4
    #: The full MIP of a level runs only up to this many non-zeros: above it its
    #: presolve alone takes most of a national round's time (coarse national model,
    #: 0.52 M non-zeros: 7.5-9.9 s; fine model 1.1 M: 23 s, measured on 2 cores).
    #: Also the size up to which an early LP that lost more than the gap is solved again.
    volle_mip_nnz: int = 300_000

    # --- shape of the search ---
    #: Smallest-reduced-cost count columns per type freed in the first neighbourhood.
    buurt_k: int = 4
    #: Min-max levels: share of the gemeenten (of largest ratio, at least 2) whose counts
    #: are all freed with the first k (national round: 10 of 342 took eerlijkheid from
    #: 0.5 to 0.2133 in 7 s; province: 2 of 50 instead of 10, 0.85 s instead of 1.45 s).
    buurt_gemeenten: float = 0.03
    #: Largest k (it doubles while the sub-MIPs finish and pay off).
    buurt_k_max: int = 32
    #: The first k on the cost level. Its start comes from levels that ignore costs,
    #: far from its LP point; a wide neighbourhood around both is a large MIP without
    #: guidance, a narrow one is close to rounding the LP point. 30,000 households
    #: (cost-blind start 225,751, LP bound 101,955): k = 4 and k = 2 found nothing
    #: better in 40 s, k = 1 found 102,411 (0.45%) in 20 s, k = 0 102,520 in 37 s.
    buurt_k_kosten: int = 1
    #: On the cost level a sub-MIP with this many times k runs beside the one with k.
    breed: int = 4
    #: The job beside the main sub-MIP (a feasibility search on a min-max level, a wider
    #: sub-MIP on the cost level) from this many columns on; smaller levels close their
    #: gap with the main sub-MIP alone.
    naast_vanaf: int = 20_000
    #: Target of the feasibility search beside a min-max level's first sub-MIP, as a
    #: multiple of the LP bound (national overvulling: optimum 0.25, LP 0.2253); also
    #: how much a target out of reach is loosened before the first point.
    haalbaar_doel: float = 1.15
    #: The next target of that search lies this far from the highest target out of reach
    #: (at first the LP bound) to the best value: halfway, a bisection, so every point
    #: found at least halves the range left. Three quarters took one step fewer on the
    #: first national round (overvulling: LP 0.2253, after 0.2593 halfway 0.2424 out of
    #: reach, then 0.251 gave the optimum 0.25), but on family member nf-12 (eerlijkheid,
    #: bound 0.1765) seven searches, 104 s, ending at 0.1818 with the gap open, against
    #: four searches, 62 s, 0.1795 (closed) halfway.
    doel_stap: float = 0.5
    #: At most this many bisection steps for a min-max level's bound on its warm LP.
    warme_stappen: int = 12
    #: Least total excess in `elastisch` that counts as "no LP solution" (not round-off).
    elastisch_tol: float = 1e-3
    #: Column generation for the LP of every level from this many count columns.
    kolomgeneratie_vanaf: int = 20_000
    #: Column generation stops when the columns left out can lower the LP by at most this
    #: share of the gap (their Lagrangian bound is then the level's bound): the last
    #: rounds added 1 and 0 columns for about 3 s each on the national round.
    kolomgeneratie_rest: float = 0.02
    #: Cheapest count columns per household type in the first subset of column generation.
    per_type: int = 12
    #: On a level with costs, column generation adds per household type at most this
    #: many count columns of most negative reduced cost per round (0: every one). Against
    #: the cost-blind first subset every cheaper option prices out: the first round found
    #: 80-160 thousand such columns, and the LPs after it, five times larger, took most of
    #: the time (the cost level's LP, family member nf-08: 17.8 s, now 3.8 s; nf-14: 26.8 s,
    #: now 7.9 s, of which one round after adding 831 columns took 21 s).
    erbij_per_type: int = 12
    #: On a cost level where no neighbourhood sub-MIP has improved on the start yet: after
    #: one without improvement, one feasibility search ``c x <= T`` without objective
    #: (`NiveauZoektocht.kostendaling`, T halfway between bound and best value), then the
    #: same width again from its point; at most ``zoekstappen`` such searches per level.
    #: 30,000 households n30-01 (cost-blind start 237,721, LP bound 102,128; the first k = 1
    #: sub-MIP finds nothing in 55 nodes): "below 169,925" found 143,913 in 24 s, the k = 1
    #: sub-MIP from there 102,791 (0.65%), where without it the level stops at 57%. Never
    #: taken on the national family (every first cost sub-MIP improves there).
    kostendaling: bool = True
    #: A backend without an LP interface or work limit (CBC) solves each level as one
    #: MIP in a share of the remaining time: rest / (1 + aandeel_later * later levels).
    aandeel_later: float = 0.5

    @classmethod
    def uit(cls, opties: SolverOpties, basis: Instellingen | None = None) -> Instellingen:
        """``basis`` (default: the defaults) with its work budget scaled by ``opties.inspanning``
        (at least one of each)."""
        basis = basis or cls()
        f = float(opties.inspanning)
        return replace(
            basis, **{naam: max(1, round(getattr(basis, naam) * f)) for naam in WERKVELDEN}
        )

    def ergste_aantal(self, n_gemeenten: int, k: int) -> int:
        """How many gemeenten of largest ratio a min-max neighbourhood frees at width ``k``."""
        return max(2, round(self.buurt_gemeenten * n_gemeenten)) * k // self.buurt_k


#: The fields that are work budget (scaled by ``inspanning``).
WERKVELDEN = (
    "knopen_deel",
    "knoopwerk",
    "knopen_vol",
    "zoekstappen",
    "toetsrondes",
    "volle_mip_nnz",
)
assert set(WERKVELDEN) <= {f.name for f in fields(Instellingen)}

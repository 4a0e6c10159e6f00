"""The solve strategy of the lexicographic levels: LP first, sub-MIPs, min-max in whole persons.

Each level is solved with the solution of the previous level as a start (it
stays feasible, because earlier levels are held as constraints or bounds), then held at
its value plus the preset's tolerance. A level stopped at the time limit is held
at the value of its best solution found, so later levels stay feasible and the
gap is reported honestly per level.

With the aggregated formulation (``types``) these devices keep national
rounds small and fast:

1. *Coarse types.* The levels before ``kosten`` do not look at pair costs, so
   they are solved on the coarse model (`bouw_model(kosten=False)`: households
   with the same size and admissible options are one type). Its solution is
   split into the full model (`allocatie.model.bouw.verfijn`) and those levels
   are held there with the same values.
2. *LP first* (backends with an LP interface: HiGHS). Each level's LP
   relaxation gives a proven bound. On a model of many count columns
   (`Instellingen.kolomgeneratie_vanaf`) it is solved by column generation in
   one live HiGHS LP (`lp_met_kolomgeneratie`): a level needs few of the count
   columns, priced in by their reduced costs until none is negative; primal
   simplex after columns are added when the counts cost nothing (onbediend,
   tekort, the ratios: the duals are then degenerate and dual simplex crawls),
   dual simplex on ``kosten``, where each round adds per type only the
   columns of most negative reduced cost (`Instellingen.erbij_per_type`: a
   cost-blind first subset prices out 80-160 thousand cheaper options at
   once). National family, nf-04: onbediend 1.5 s against
   25.9 s for the whole LP by interior point, tekort 8.9 s against 15.8 s,
   eerlijkheid 1.4 s against 14.9 s; the ``kosten`` LP 2.1 s against 26 s
   (first national round). A min-max level's whole LP is then kept warm from the
   final basis (`HighsSessie.warme_lp`: the columns left out start nonbasic at
   their bound, so the basis is already optimal). Smaller models solve the whole
   LP by interior point with crossover. A small sub-MIP around the LP point (each count between
   the floor and ceiling of its LP value, "RENS") sometimes yields a solution
   within the gap at once. Then *neighbourhood sub-MIPs* from the best point:
   free are the counts the LP or the best point use, per type the k counts of
   smallest LP reduced cost (k = 4, doubling while the sub-MIPs finish; k = 1
   first on the cost level, whose start ignores costs: 30,000 households 0.47%
   where k = 4 never left the start), on a min-max level every count into the
   gemeenten that set the best value, and after the first one ``tekort`` and
   ``over`` (fixed at 0 they pin a gemeente's persons from one side: national
   kosten stuck at 0.8% with them fixed, 0.34-0.38% free). On
   the national round the LP's own support alone left ``tekort`` at 2976
   against the bound 2950; with k = 4 it reaches 2950 in 2.7 s, and the
   gemeente neighbourhood brings ``eerlijkheid`` from 0.5 to 0.2133 (bound
   0.2132) where the k counts alone needed 35 s (measured). Sub-MIPs stop at
   the first solution that closes the level's gap (`MipProbleem.doel`).
3. *Min-max levels in whole persons* (`allocatie.model.minmax`). ``tekort`` and
   ``over`` are whole persons, so a min-max value is equivalent to integer
   bounds per gemeente: a held ``eerlijkheid``/``overvulling`` is also held as
   those bounds (much tighter LPs later on), and a gap left on such a level is
   closed from below by an LP test of "strictly better" (`minmax_bewijs`).
   The LP of a min-max level is kept *warm* at its optimal basis
   (`allocatie.solvers.base.WarmeLp`): with changed bounds dual simplex
   re-solves it in a fraction of a second (30,000 households: 0.3 s against a
   cold LP of 50 s). So the test runs at every new best value, a bisection over
   targets in whole persons lifts the bound itself (`warme_grens`: national
   overvulling 0.2253 -> 0.25 = optimal at once; 30,000 households overvulling
   1.125 -> 1.136 = optimal), and the feasibility search below adds the support
   of the LP at its target to its neighbourhood. The LP splits households to
   fit each gemeente; whole households of the sizes allowed there often cannot:
   if the warm bound leaves the gap open, every gemeente (or region with
   regiocapaciteit) is solved as a min-max MIP of its own, the linking rows
   relaxed, and the level is at least the largest block optimum
   (`lagrange.minmax_blokgrens`; family nf-06 overvulling: LP 0, blocks 1/3 =
   the best value, 3 s); the blocks' solutions join the neighbourhoods. The
   descent's targets halve the range between the highest target out of reach
   and the best value, and a search proven infeasible is not proven again for
   a tighter one (`BuitenBereik`).
   Solutions are normalised after each level (`normaliseer`: whole counts,
   ``tekort`` and ``over`` not both positive).
4. *Reduced-cost fixing.* If the gap is still open, every count whose LP
   reduced cost exceeds (best value - LP bound) is fixed at its LP bound: no
   solution better than the best one can move it. The full MIP then runs on
   what is left, from the best solution, for the rest of the level's time.

5. *The second core.* The interior point method and HiGHS's MIP each use one
   core, so two things run at once (`Vooruitloper`; only where the next LP is
   not column generation, which takes a few seconds in line): as soon as a level
   has its LP bound, the next level's LP starts on a second thread with this level
   held at the value it will probably reach (`verwachte_waarde`: the bound
   rounded up on a whole-valued level). Its row duals bound the next level's
   own LP whatever the level ends at (`duale_grens`: exact when it ends at the
   guess, weaker above it); only when that costs more than the gap and the
   model is small (`Instellingen.volle_mip_nnz`) is the LP solved again. A
   min-max level left with a gap that its warm test (item 3) did not reach is
   tested in the background (`Bewijzer`) while the later levels run. National round: every LP after
   the first is ready when its level starts. Sub-MIPs are passed their free
   columns only (`los_deel`). On a min-max level a descent of feasibility
   searches (no objective, bounds at falling targets) runs beside each
   neighbourhood sub-MIP (`minmax_haalbaar`): HiGHS spends
   a min-max sub-MIP in root cut rounds and sometimes never leaves its start
   (national overvulling: 1.3 in three of four runs); with the descent beside
   it 0.25, proven optimal, in eight of eight. After its first search the
   descent waits for the sub-MIP and goes on from its point when that is
   better (a fixed point in the sequence; nf-12 overvulling 157 -> 75 s). When
   the descent's own point closes the gap it wins and the sub-MIP stops
   (``Naast.voorrang``); when a search proves the gap target out of reach in
   its neighbourhood it ends, and the next width follows. A search without
   objective has its root LP solved by the interior point method
   (`HighsBackend`), a phase 1 the dual simplex takes longer over. On
   the cost level a sub-MIP with a wider neighbourhood runs beside the narrow
   one; while no sub-MIP has improved the cost-blind start, one that found
   nothing is followed by a feasibility search ``c x <= T`` without objective
   (`NiveauZoektocht.kostendaling`; 30,000 households n30-01: 57% -> 0.64%).
6. *Holding a level by bounds* (`vlak.houd_vlak`). A finished level's LP duals
   bound how much each column and row can move within the held value: integer
   columns and rows of whole persons that cannot move are fixed, and when the
   level closed at its LP bound those bounds imply the held row, which is then
   left out (unless the next level's LP, started beside this one, holds it by
   that row). The row alone left the next LP no interior: the national
   werk-eerst round stalled 600 s in the third level's LP; held by bounds it
   takes 30 s, every level within 0.5%. An LP with many fixed columns is
   presolved (`HighsBackend.los_lp_op`). A Lagrangian bound per gemeente
   (`lagrange`) raises the bound of linear levels (``kosten``).

Work, not time (`Instellingen`, `Vangnet`): every sub-MIP stops at a node
limit, every descent and test after a fixed number of steps, the full MIP runs
only up to a model size, and whatever runs beside the main line (the next
level's LP, the search, the wide neighbourhood; `maak_uitvoerder`) runs to its own
budget while the main line waits for it and decides by what it found, never by
which finished first (`niveau.samen`); a job whose result no longer counts is
stopped, and an independent one is not waited for (its clock cut does not count).
HiGHS runs one thread per object. So the same round, options and package
versions give the same allocation on a busy and an idle machine, with
``threads`` 1 (strictly sequential, `Direct`) or more.
The time limit is only a safety net: the backend stops at the deadline with its
best point, the `Vangnet` counts the cut, and the result says it is not
reproducible (`AllocationResult.reproduceerbaar`). A backend without LP duals
or a work limit (CBC) gets one plain MIP per level in a share of the time, and
the result says so (`strategie_zinnen`).

Modules: `instellingen` (the one settings object), `vangnet` (the clock as a
safety net, the backend that reports to it, capabilities), `uitvoerder` (where
jobs beside the main line run), `deelmip` (a level's problem and its sub-MIPs),
`lp` (column generation, dual bounds, the next level's LP), `minmaxzoek` (min-max
levels in whole persons), `lagrange` (a bound per gemeente block), `vlak` (holding
a level by bounds), `niveau` (one level: `NiveauZoektocht`), `niveaus` (the
levels in order).
"""

from __future__ import annotations

from allocatie.strategie.instellingen import Instellingen
from allocatie.strategie.minmaxzoek import Bewijzer
from allocatie.strategie.niveau import NiveauZoektocht
from allocatie.strategie.niveaus import los_niveaus
from allocatie.strategie.uitvoerder import Direct, maak_uitvoerder
from allocatie.strategie.vangnet import (
    BewaakteBackend,
    Vangnet,
    kan_lp_eerst,
    strategie_zinnen,
)

__all__ = [
    "BewaakteBackend",
    "Bewijzer",
    "Direct",
    "Instellingen",
    "NiveauZoektocht",
    "Vangnet",
    "kan_lp_eerst",
    "los_niveaus",
    "maak_uitvoerder",
    "strategie_zinnen",
]

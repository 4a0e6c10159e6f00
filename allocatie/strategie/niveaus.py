"""The lexicographic levels of one model, one after the other, each held for the next."""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from dataclasses import replace
from functools import partial

import numpy as np
import scipy.sparse as sp

from allocatie.kern.voortgang import Voortgang, fase
from allocatie.model.bouw import AllocatieModel
from allocatie.model.minmax import MINMAX, MinMax, minmax, normaliseer
from allocatie.resultaat.result import NiveauUitkomst
from allocatie.ronde.presets import Doel
from allocatie.solvers.base import Backend, MipProbleem, SolverOpties, Status
from allocatie.strategie.deelmip import (
    budget,
    gehele_waarde,
    hele_kolommen,
    houd_minmax,
    houd_vast,
    houdwaarde,
    los_deel,
    niveauprobleem,
)
from allocatie.strategie.instellingen import Instellingen
from allocatie.strategie.lagrange import koppelrijen, minmax_kolommen
from allocatie.strategie.lp import Vooruitloper
from allocatie.strategie.minmaxzoek import Bewijzer
from allocatie.strategie.niveau import NiveauZoektocht
from allocatie.strategie.uitvoerder import Direct
from allocatie.strategie.vangnet import Vangnet, kan_lp_eerst
from allocatie.strategie.vlak import houd_vlak

log = logging.getLogger(__name__)


def los_niveaus(
    model: AllocatieModel,
    volgorde: tuple[str, ...],
    v: np.ndarray,
    gehouden: list[tuple[str, float]],
    backend: Backend,
    opties: SolverOpties,
    doel: Doel,
    net: Vangnet,
    *,
    lp_eerst: bool,
    later: int,
    voortgang: Voortgang | None,
    bewijzer: Bewijzer | None = None,
    pool: Executor | None = None,
    instellingen: Instellingen | None = None,
) -> tuple[np.ndarray, list[NiveauUitkomst], list[tuple[str, float]], str, bool]:
    """Solve ``volgorde`` on ``model`` from the feasible point ``v``.

    ``gehouden`` are earlier levels (name, held value) to hold as rows first.
    Returns the last solution, the level outcomes, all held levels, the solver
    name and whether every level ran (False: stopped at the limit or without
    a solution). ``bewijzer``: tests min-max levels left with a gap in the
    background (`Bewijzer`). ``pool``: where jobs beside the main one run
    (`maak_uitvoerder`). ``net``: the safety net of the time limit; each level's
    work budget and search shape are ``instellingen`` (default: from ``opties``).
    """
    werk = instellingen or Instellingen.uit(opties)
    A, onder, boven = model.A, model.rij_onder, model.rij_boven
    ko, kb = model.kol_onder.copy(), model.kol_boven.copy()
    heel = hele_kolommen(model)
    # The min-max structures, read once per model (normalising and holding need them).
    mms = {naam: minmax(model, naam) for naam in MINMAX}
    structuren = [mm for mm in mms.values() if mm is not None]
    # Levels held from another model (the coarse one) are rows here: a whole-valued
    # one at its LP bound leaves the LP no interior in that direction, and the
    # next level's LP, started beside the first level here with those rows, did
    # not solve in 300 s (national werk-eerst round). The first level's own LP
    # (column generation, simplex) copes, and its duals then hold those rows as
    # bounds too (`houd_vlak`): the next LP waits for them.
    opnieuw = bool(gehouden)
    for naam, houd in gehouden:
        A, onder, boven = houd_vast(A, onder, boven, model.doelen[naam], houd)
        kb = houd_minmax(mms.get(naam), houd, kb, ko)
    v = normaliseer(model, v, structuren)
    niveaus: list[NiveauUitkomst] = []
    gehouden = list(gehouden)
    solver_naam = backend.naam
    kan_lp = lp_eerst and kan_lp_eerst(backend)
    pool = pool or Direct()
    # The LP of the next level runs beside this level's sub-MIPs (the interior
    # point method uses one core; HiGHS's MIP one).
    loper = Vooruitloper(backend, opties, doel, model, net, werk, pool) if kan_lp else None
    try:
        for i, naam in enumerate(volgorde):
            c = model.doelen[naam]
            if net.voorbij():
                # The safety net cut in before this level: the point so far (at worst
                # the greedy start) is its best solution, without a bound.
                log.warning("Tijdslimiet bereikt vóór niveau %s", naam)
                waarde = float(c @ v)
                niveaus.append(
                    NiveauUitkomst(
                        naam,
                        Status.TIJDSLIMIET,
                        waarde,
                        None,
                        None,
                        houdwaarde(doel, waarde),
                        0.0,
                        klok=True,
                    )
                )
                return v, niveaus, gehouden, solver_naam, False
            na = later + len(volgorde) - i - 1
            klok_voor = net.keren
            probleem = niveauprobleem(model, c, A, onder, boven, v, naam, kb, ko)
            lp = loper.neem(probleem, naam) if loper is not None else None
            na_lp = (
                partial(loper.start, A, onder, boven, ko, kb, c, mms.get(naam), volgorde[i + 1])
                if loper is not None and i + 1 < len(volgorde) and not (i == 0 and opnieuw)
                else None
            )

            rijduaal = None
            with fase(voortgang, f"niveau:{naam}", f"Niveau {naam} oplossen") as uit_niveau:
                if kan_lp:
                    zoek = NiveauZoektocht(
                        backend,
                        probleem,
                        opties,
                        werk,
                        net,
                        model.kolommen["x"],
                        mm=mms.get(naam),
                        lp=lp,
                        na_lp=na_lp,
                        heel=mms.get(naam) is None and gehele_waarde(model, c),
                        tweede=pool,
                        koppel=koppelrijen(model, probleem.n_rijen),
                        gedeeld=minmax_kolommen(model, probleem.n_kolommen),
                    )
                    uit = zoek.los_op()
                    rijduaal = zoek.rijduaal
                else:
                    uit = los_deel(
                        backend,
                        probleem,
                        opties,
                        budget(net.rest(), na, werk.aandeel_later),
                        knopen=werk.knopen_vol,
                    )
                uit_niveau.append(uit.status.value)
            if lp is not None and lp.warm is not None:
                lp.warm.sluit()
            solver_naam = uit.solver or solver_naam
            klok = net.keren > klok_voor
            if uit.status is Status.TIJDSLIMIET and not klok:
                # Stopped by its own work budget, not by the clock: say so.
                uit = replace(uit, status=Status.WERKBUDGET)
            if not uit.status.heeft_oplossing or uit.x is None:
                log.warning("Niveau %s: geen oplossing (%s)", naam, uit.bericht)
                niveaus.append(
                    NiveauUitkomst(
                        naam, uit.status, None, uit.grens, None, None, uit.tijd_s, klok=klok
                    )
                )
                return v, niveaus, gehouden, solver_naam, False
            v = normaliseer(model, uit.x, structuren)
            waarde = float(c @ v)
            houd = houdwaarde(doel, waarde)
            niveaus.append(
                NiveauUitkomst(
                    naam, uit.status, waarde, uit.grens, uit.gap, houd, uit.tijd_s, klok=klok
                )
            )
            log.info(
                "Niveau %s: %s, waarde %.6g, grens %s", naam, uit.status.value, waarde, uit.grens
            )
            mm = mms.get(naam)
            if (
                bewijzer is not None
                and mm is not None
                and uit.status is not Status.OPTIMAAL
                and not uit.getoetst
            ):
                bewijzer.start(naam, probleem, mm, waarde)
            # The next level's LP, started beside this one, holds this level by its
            # row: the next problem keeps that row so that the LP's duals fit it.
            rij = loper is not None and loper.lopend is not None
            gehouden.append((naam, houd))
            if i + 1 == len(volgorde):
                break  # held on another model (`gehouden`), if anywhere
            A, onder, boven, ko, kb = houd_niveau(
                probleem, mm, rijduaal, v, houd, ko, kb, naam, heel, rij=rij
            )
        return v, niveaus, gehouden, solver_naam, True
    finally:
        if loper is not None:
            loper.sluit()


def houd_niveau(
    probleem: MipProbleem,
    mm: MinMax | None,
    rijduaal: np.ndarray | None,
    v: np.ndarray,
    houd: float,
    ko: np.ndarray,
    kb: np.ndarray,
    naam: str,
    heel: np.ndarray,
    *,
    rij: bool = False,
) -> tuple[sp.csr_array, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Hold the finished level ``probleem.c·x <= houd`` for the next ones.

    Returns the rows (matrix, lower, upper) and column bounds (lower, upper) of
    the next level. A min-max level: its row plus bounds in whole persons
    (`houd_minmax`). Any other with the duals of its LP: the bounds that LP
    duality gives (`houd_vlak`; ``heel``: `hele_kolommen`), plus the row unless
    those bounds imply it and ``rij`` is False (``rij``: keep the row anyway).
    Without duals: the row.
    """
    A, onder, boven = probleem.A, probleem.rij_onder, probleem.rij_boven
    vlak = None
    if mm is None and rijduaal is not None:
        vlak = houd_vlak(probleem, rijduaal, v, houd, heel)
    if vlak is None:
        A, onder, boven = houd_vast(A, onder, boven, probleem.c, houd)
        return A, onder, boven, ko, houd_minmax(mm, houd, kb, ko)
    log.info(
        "Niveau %s vastgehouden met grenzen: %d kolommen en %d rijen vast "
        "(ruimte %.3g, rest %.3g)%s",
        naam,
        vlak.kolommen_vast,
        vlak.rijen_vast,
        vlak.ruimte,
        vlak.rest,
        "" if vlak.rij_nodig else "; de rij zelf is overbodig",
    )
    onder, boven = vlak.rij_onder, vlak.rij_boven
    if vlak.rij_nodig or rij:
        A, onder, boven = houd_vast(A, onder, boven, probleem.c, houd)
    return A, onder, boven, vlak.kol_onder, vlak.kol_boven

"""Solve a round: build the model, run the lexicographic levels, return the result.

Each level is solved with the solution of the previous level as a start (it
stays feasible, because earlier levels are held as constraints), then held at
its value plus the preset's tolerance. A level stopped at the time limit is held
at the value of its best solution found, so later levels stay feasible and the
gap is reported honestly per level.
"""

from __future__ import annotations

import logging
import time

import numpy as np
import scipy.sparse as sp

from allocatie.instance import Instance
from allocatie.model.bouw import AllocatieModel, bouw_model
from allocatie.result import AllocationResult, NiveauUitkomst, maak_tabellen
from allocatie.solvers import MipProbleem, SolverOpties, Status, kies_backend
from allocatie.taal import huishoudens, personen
from allocatie.verify import verify
from allocatie.voortgang import Voortgang, fase

log = logging.getLogger(__name__)


def diagnose(inst: Instance, model: AllocatieModel) -> list[str]:
    """Problems visible before solving, as Dutch sentences with the numbers.

    The model itself is always feasible (a household can stay unplaced), so
    these are signals, not errors: households that no option can take, and
    demand versus capacity. Locks set by hand come first: a lock on an option
    the household does not fit (it stays unplaced), and locks that do not all
    fit their option (`allocatie.model.vastlegging.analyseer_vastleggingen`).
    """
    signalen: list[str] = []
    if model.vastleggingen is not None:
        signalen.extend(model.vastleggingen.signalen)
    hh, op = inst.huishoudens, inst.opties
    n_opties = np.bincount(model.paren.h, minlength=len(hh))
    zonder = np.flatnonzero(n_opties == 0)
    if len(zonder):
        ruimte = hh["ruimte"].to_numpy()
        past = (
            (op["min_personen"].to_numpy()[None, :] <= ruimte[zonder, None])
            & (ruimte[zonder, None] <= op["max_personen"].to_numpy()[None, :])
            & (op["eenheden"].to_numpy()[None, :] > 0)
        )
        geen_grootte = int((~past.any(axis=1)).sum())
        ids = ", ".join(hh["huishouden_id"].to_numpy(object)[zonder[:8]])
        signalen.append(
            f"{huishoudens(len(zonder))} "
            f"({personen(int(hh['personen'].to_numpy()[zonder].sum()))}) "
            f"{'heeft' if len(zonder) == 1 else 'hebben'} geen enkele passende optie: "
            f"{geen_grootte} door woninggrootte, "
            f"{len(zonder) - geen_grootte} door harde criteria (werk, studie, familie, zorg, "
            f"beschikbaarheid). Bijv. {ids}{' ...' if len(zonder) > 8 else ''}"
        )
    vraag = int(hh["ruimte"].sum())
    capaciteit = int(inst.gemeenten["aanbod_personen"].sum())
    if vraag > capaciteit:
        signalen.append(
            f"Er is ruimte nodig voor {vraag} personen (incl. nareizigers) maar het aanbod biedt "
            f"hoogstens {capaciteit} plaatsen: minstens {vraag - capaciteit} blijven onbediend."
        )
    opgave = int(inst.gemeenten["opgave"].sum())
    wachtend = int(hh["personen"].sum())
    if wachtend < opgave:
        signalen.append(
            f"De resterende opgave is {personen(opgave)}, maar er wachten {personen(wachtend)}: "
            f"samen minstens {personen(opgave - wachtend)} tekort op de taakstellingen."
        )
    return signalen


def _houd_vast(
    A: sp.csr_array, onder: np.ndarray, boven: np.ndarray, c: np.ndarray, grens: float
) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
    """Append the row ``c·v <= grens``."""
    rij = sp.csr_array(c.reshape(1, -1))
    return (
        sp.vstack([A, rij], format="csr"),
        np.append(onder, -np.inf),
        np.append(boven, grens),
    )


def los_op(
    inst: Instance,
    opties: SolverOpties | None = None,
    *,
    controleer: bool = True,
    formulering: str = "types",
    voortgang: Voortgang | None = None,
) -> AllocationResult:
    """Solve the round ``inst`` lexicographically and return the result.

    Parameters
    ----------
    inst
        A validated round.
    opties
        Solver options; defaults to ``inst.solver``.
    controleer
        Re-check the result with the independent `allocatie.verify.verify`
        before returning it (default). A result that fails raises
        `VerificatieFout` and is never returned.
    formulering
        ``"types"`` (default): counts per type of interchangeable households;
        ``"huishoudens"``: one binary per (household, option) pair, the
        benchmark baseline. Both reach the same optimum on every level (see
        `allocatie.model.bouw`).
    voortgang
        Receiver of progress events (`allocatie.voortgang`): building, each
        objective level, verification. None: no events.

    Raises
    ------
    ValueError
        On an unknown ``formulering``.
    """
    opties = opties or inst.solver
    t0 = time.perf_counter()
    with fase(voortgang, "bouwen", "Model bouwen") as uit_bouw:
        model = bouw_model(inst, formulering=formulering)
        uit_bouw.append(f"{model.n_kolommen} variabelen, {model.A.shape[0]} rijen")
    bouw_s = time.perf_counter() - t0
    signalen = diagnose(inst, model)
    for s in signalen:
        log.info("Signaal: %s", s)
    backend = kies_backend(opties.backend)
    opgave = inst.gemeenten["opgave"].to_numpy(float)
    v = model.startoplossing(opgave)
    A, onder, boven = model.A, model.rij_onder, model.rij_boven
    tol = inst.preset.doel
    deadline = t0 + opties.tijdslimiet_s
    niveaus: list[NiveauUitkomst] = []
    solver_naam = backend.naam
    for naam in tol.volgorde:
        c = model.doelen[naam]
        rest = deadline - time.perf_counter()
        if rest <= 0:
            log.warning("Tijdslimiet bereikt vóór niveau %s", naam)
            break
        probleem = MipProbleem(
            c=c,
            A=A,
            rij_onder=onder,
            rij_boven=boven,
            kol_onder=model.kol_onder,
            kol_boven=model.kol_boven,
            geheel=model.geheel,
            start=v,
        )
        with fase(voortgang, f"niveau:{naam}", f"Niveau {naam} oplossen") as uit_niveau:
            uit = backend.los_op(probleem, opties, rest)
            uit_niveau.append(uit.status.value)
        solver_naam = uit.solver
        if not uit.status.heeft_oplossing or uit.x is None:
            log.warning("Niveau %s: geen oplossing (%s)", naam, uit.bericht)
            niveaus.append(
                NiveauUitkomst(naam, uit.status, None, uit.grens, None, None, uit.tijd_s)
            )
            break
        v = uit.x
        waarde = float(c @ v)
        houd = waarde + max(tol.tolerantie_absoluut, tol.tolerantie_relatief * abs(waarde))
        # A tiny slack keeps the held level feasible despite solver round-off.
        houd += 1e-6 * max(1.0, abs(waarde))
        niveaus.append(
            NiveauUitkomst(naam, uit.status, waarde, uit.grens, uit.gap, houd, uit.tijd_s)
        )
        log.info("Niveau %s: %s, waarde %.6g, grens %s", naam, uit.status.value, waarde, uit.grens)
        A, onder, boven = _houd_vast(A, onder, boven, c, houd)

    if not niveaus or niveaus[0].waarde is None:
        status = Status.GEEN_OPLOSSING
    elif len(niveaus) < len(tol.volgorde) or any(n.status is not Status.OPTIMAAL for n in niveaus):
        status = Status.TIJDSLIMIET
    else:
        status = Status.OPTIMAAL
    plaatsingen, onbediend, per_gemeente, per_optie, doelwaarden = maak_tabellen(inst, model, v)
    res = AllocationResult(
        status=status,
        backend=opties.backend,
        solver=solver_naam,
        niveaus=tuple(niveaus),
        doelwaarden=doelwaarden,
        plaatsingen=plaatsingen,
        onbediend=onbediend,
        per_gemeente=per_gemeente,
        per_optie=per_optie,
        wall_s=time.perf_counter() - t0,
        bouw_s=bouw_s,
        modelgrootte={
            "paren": len(model.paren),
            "types": len(model.typen),
            "typeparen": model.typen.n_paren,
            "variabelen": model.n_kolommen,
            "geheeltallig": int(model.geheel.sum()),
            "rijen": int(model.A.shape[0]),
            "niet_nullen": int(model.A.nnz),
        },
        signalen=tuple(signalen),
        formulering=model.formulering,
    )
    if controleer:
        with fase(voortgang, "controle", "Onafhankelijke controle (verify)"):
            verify(inst, res)
    return res

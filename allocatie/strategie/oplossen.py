"""Solve a round: build the model, run the lexicographic levels, return the verified result.

The pipeline step between the model (`allocatie.model`) and the result
(`allocatie.resultaat.result`): `los_op` builds the model (and, before the first level
that looks at pair costs, a coarse one), runs the levels with the strategy of
`allocatie.strategie` (LP first, sub-MIPs, min-max in whole persons; decided by
work, never by the clock, see there), refines the coarse solution, and hands
the result to the independent `allocatie.resultaat.verify` before returning it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, replace

from allocatie.invoer.vorige import VorigeLike, VorigeUitkomst, als_vorige, vorige_signalen
from allocatie.kern.taal import huishoudens, nl_getal, personen
from allocatie.kern.voortgang import Voortgang, fase
from allocatie.model.bouw import AllocatieModel, bouw_model, verfijn
from allocatie.model.decodeer import maak_tabellen
from allocatie.model.onhaalbaar import lege_onhaalbaar
from allocatie.model.start import gretige_start
from allocatie.resultaat.result import AllocationResult, NiveauUitkomst
from allocatie.resultaat.ruil import ruilparen
from allocatie.resultaat.verify import verify
from allocatie.resultaat.verschuiving import verklaar_verschuivingen
from allocatie.ronde.instance import Instance
from allocatie.solvers import SolverOpties, Status, kies_backend
from allocatie.solvers.base import Backend
from allocatie.strategie import (
    BewaakteBackend,
    Bewijzer,
    Direct,
    Instellingen,
    Vangnet,
    kan_lp_eerst,
    los_niveaus,
    maak_uitvoerder,
    strategie_zinnen,
)

log = logging.getLogger(__name__)

#: Seconds per household reserved within the time limit for the tables and `verify`.
NAZORG_S_PER_HUISHOUDEN = 1e-4


def diagnose(inst: Instance, model: AllocatieModel) -> list[str]:
    """Problems visible before solving, as Dutch sentences with the numbers.

    The model itself is always feasible (a household can stay unplaced), so
    these are signals, not errors: households that no option can take (with
    the criteria that conflict, `allocatie.model.onhaalbaar`), and demand
    versus capacity. On a re-run, what the previous outcome holds
    (`allocatie.invoer.vorige.vorige_signalen`). Locks set by hand come first: a lock
    on an option the household does not fit (it stays unplaced), and locks that
    do not all fit their option
    (`allocatie.model.vastlegging.analyseer_vastleggingen`).
    """
    signalen: list[str] = []
    if model.vastleggingen is not None:
        signalen.extend(model.vastleggingen.signalen)
    hh = inst.huishoudens
    if model.vorige is not None:
        signalen.extend(vorige_signalen(inst, model.vorige))
    onhaalbaar = model.onhaalbaar
    if onhaalbaar is not None and len(onhaalbaar):
        n = len(onhaalbaar)
        voorbeelden = "; ".join(onhaalbaar["toelichting"].head(5))
        signalen.append(
            f"{huishoudens(n)} ({personen(int(onhaalbaar['personen'].sum()))}) "
            f"{'heeft' if n == 1 else 'hebben'} geen enkele passende optie: de harde criteria "
            f"spreken elkaar tegen en {'het blijft' if n == 1 else 'ze blijven'} onbediend; de "
            f"rest wordt gewoon verdeeld. {voorbeelden}{' ...' if n > 5 else ''} "
            "(alle conflicten in onhaalbaar.csv)"
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


def niveaustappen(
    inst: Instance,
    formulering: str,
    volgorde: tuple[str, ...],
    voor: int,
    model: AllocatieModel,
    grof: AllocatieModel | None,
    slim: bool,
    vorige: VorigeUitkomst | None,
) -> list[tuple[AllocatieModel, tuple[str, ...]]]:
    """The models the levels run on, coarse to fine, each with its levels; the last is ``model``.

    The levels before ``kosten`` run on the coarse model ``grof``. On a re-run its
    types also share their previous option, which can leave it hardly coarser
    (family member nf-11: 2,493 types and 807,018 columns against 2,570 and
    811,020; the LP of ``onbediend`` alone took 64 s). The levels before
    ``stabiliteit`` do not look at the previous outcome: they run on a coarse
    model without it (nf-11: 1,185 types, 140,481 columns), whose types the
    re-run's types refine (`verfijn`).
    """
    stappen: list[tuple[AllocatieModel, tuple[str, ...]]] = []
    begin = 0
    if slim and vorige is not None and "stabiliteit" in volgorde[1:voor]:
        s = volgorde.index("stabiliteit")
        zonder = bouw_model(inst, formulering=formulering, kosten=False, paren=model.paren)
        if len(zonder.typen) < len((grof or model).typen):
            stappen.append((zonder, volgorde[:s]))
            begin = s
    if grof is not None:
        stappen.append((grof, volgorde[begin:voor]))
        begin = voor
    stappen.append((model, volgorde[begin:]))
    return stappen


def los_op(
    inst: Instance,
    opties: SolverOpties | None = None,
    *,
    controleer: bool = True,
    formulering: str = "types",
    voortgang: Voortgang | None = None,
    vorige: VorigeLike | None = None,
    instellingen: Instellingen | None = None,
) -> AllocationResult:
    """Solve the round ``inst`` lexicographically and return the result.

    Parameters
    ----------
    inst
        A validated round.
    opties
        Solver options; defaults to ``inst.solver``. ``tijdslimiet_s`` bounds
        the whole solve (all levels together).
    controleer
        Re-check the result with the independent `allocatie.resultaat.verify.verify`
        before returning it (default). A result that fails raises
        `VerificatieFout` and is never returned.
    formulering
        ``"types"`` (default): counts per type of interchangeable households,
        with coarse types, LP first and reduced-cost fixing (see the module
        text); ``"huishoudens"``: one binary per (household, option) pair,
        each level one plain MIP: the benchmark baseline. Both reach the same
        optimum on every level (see `allocatie.model.bouw`).
    voortgang
        Receiver of progress events (`allocatie.kern.voortgang`): building, each
        objective level, verification. None: no events.
    vorige
        The previous outcome of this round, for a stable re-run
        (`allocatie.invoer.vorige`: a result, a placements table, an output folder,
        its ``plaatsingen.csv`` or ``ronde.gpkg``). Adds the level
        ``stabiliteit`` where the preset puts it, and the table of what moved
        and why (``verschuivingen``). Without it that level is skipped.
    instellingen
        The strategy's work budget and search shape (`allocatie.strategie.Instellingen`);
        default: the defaults with the work budget scaled by ``opties.inspanning``.

    Raises
    ------
    ValueError
        On an unknown ``formulering``.
    """
    opties = opties or inst.solver
    instellingen = instellingen or Instellingen.uit(opties)
    t0 = time.perf_counter()
    # The limit covers the whole call: the levels stop early enough to leave time for
    # the tables and the independent check after them (measured: 3,000 households
    # 0.26 s, about 0.09 ms per household), at most a quarter of the limit.
    nazorg = min(0.25 * opties.tijdslimiet_s, 0.05 + NAZORG_S_PER_HUISHOUDEN * inst.n_huishoudens)
    deadline = t0 + opties.tijdslimiet_s - nazorg
    doel = inst.preset.doel
    vorige = als_vorige(vorige)
    volgorde = tuple(n for n in doel.volgorde if vorige is not None or n != "stabiliteit")
    slim = formulering == "types"
    # Levels before the first one that looks at pair costs run on the coarse model.
    voor = volgorde.index("kosten") if "kosten" in volgorde else len(volgorde)
    with fase(voortgang, "bouwen", "Model bouwen") as uit_bouw:
        model = bouw_model(inst, formulering=formulering, vorige=vorige)
        grof = (
            bouw_model(
                inst, formulering=formulering, kosten=False, paren=model.paren, vorige=vorige
            )
            if slim and voor
            else None
        )
        if grof is not None and len(grof.typen) == len(model.typen):
            grof = None  # no coarser than the full model
        stappen = niveaustappen(inst, formulering, volgorde, voor, model, grof, slim, vorige)
        uit_bouw.append(
            f"{nl_getal(model.n_kolommen)} variabelen, {nl_getal(model.A.shape[0])} rijen"
        )
        for m, _ in stappen[:-1]:
            uit_bouw.append(f"grof model {nl_getal(m.n_kolommen)} variabelen")
    bouw_s = time.perf_counter() - t0
    signalen = diagnose(inst, model)
    for s in signalen:
        log.info("Signaal: %s", s)
    net = Vangnet(deadline)
    backend: Backend = BewaakteBackend(kies_backend(opties.backend), net)
    strategie = strategie_zinnen(backend, slim)
    for zin in strategie:
        log.info("Strategie: %s", zin)
    opgave = inst.gemeenten["opgave"].to_numpy(float)
    niveaus: list[NiveauUitkomst] = []
    gehouden: list[tuple[str, float]] = []
    volledig = True
    solver_naam = backend.naam
    pool = maak_uitvoerder(opties, "naast")
    bewijzer = (
        Bewijzer(
            backend,
            opties,
            deadline,
            Direct() if isinstance(pool, Direct) else None,
            net,
            instellingen,
        )
        if slim and kan_lp_eerst(backend)
        else None
    )
    try:
        v = gretige_start(stappen[0][0], opgave) if slim else model.startoplossing(opgave)
        gedaan = 0
        for nr, (m, namen) in enumerate(stappen):
            if nr > 0:
                v = verfijn(stappen[nr - 1][0], m, v)
            if not volledig or not namen:
                continue
            gedaan += len(namen)
            v, meer, gehouden, solver_naam, volledig = los_niveaus(
                m,
                namen,
                v,
                gehouden,
                backend,
                opties,
                doel,
                net,
                lp_eerst=slim,
                later=len(volgorde) - gedaan,
                voortgang=voortgang,
                bewijzer=bewijzer,
                pool=pool,
                instellingen=instellingen,
            )
            niveaus += meer
        if bewijzer is not None:
            niveaus = bewijzer.pas_toe(niveaus)
    finally:
        if bewijzer is not None:
            bewijzer.sluit()
        # Every job whose result counts has been waited for; what still runs was stopped
        # (`samen`) and ends at its next log point, without this solve waiting for it.
        pool.shutdown(wait=False, cancel_futures=True)
    reproduceerbaar = net.keren == 0
    if not reproduceerbaar:
        log.warning(
            "De tijdslimiet (%s s) greep in: deze verdeling is niet reproduceerbaar; een nieuwe "
            "run kan anders uitvallen. Verhoog --tijdslimiet of verlaag --inspanning.",
            nl_getal(opties.tijdslimiet_s),
        )

    if not niveaus or niveaus[0].waarde is None:
        status = Status.GEEN_OPLOSSING
    elif (
        not volledig
        or len(niveaus) < len(volgorde)
        or any(n.status is not Status.OPTIMAAL for n in niveaus)
    ):
        # The clock cut in somewhere, or only work budgets ended with a gap open.
        status = Status.TIJDSLIMIET if not reproduceerbaar else Status.WERKBUDGET
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
            "grove_types": len(grof.typen) if grof is not None else len(model.typen),
            "grove_variabelen": grof.n_kolommen if grof is not None else model.n_kolommen,
        },
        signalen=tuple(signalen),
        formulering=model.formulering,
        onhaalbaar=model.onhaalbaar if model.onhaalbaar is not None else lege_onhaalbaar(),
        vorige=vorige,
        reproduceerbaar=reproduceerbaar,
        strategie=strategie,
        opties=asdict(opties),
    )
    if vorige is not None:
        res = replace(res, verschuivingen=verklaar_verschuivingen(inst, res))
    if inst.preset.ruil.toegestaan:
        res = replace(res, ruilingen=ruilparen(inst, per_gemeente))
    if controleer:
        with fase(voortgang, "controle", "Onafhankelijke controle (verify)"):
            verify(inst, res)
    return res

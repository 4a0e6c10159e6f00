"""Explanations of a round's placements: why this option, why not the best alternative.

Critics of a black-box advice ask why a household was placed where it was.
`verklaar` answers per household (placed or not): the hard criteria that bind
it, the cost terms of the chosen option, the number of admissible options, the
cheapest other admissible option and, in a Dutch sentence, why that one was not
chosen (full, more expensive, or the distribution over gemeenten decided). For
an unplaced household it names the criterion that excludes the options that fit
by size, or the options that were full. `verklaar_gemeenten` explains every
gemeente's shortfall.

Both are pure functions of the instance and the result: admissibility and costs
are recomputed with `allocatie.model.toelaatbaar.bouw_paren`, the use of every
option with the model's slot rule (a single takes 1 of the ``k`` slots of a
shareable unit, any other household all ``k``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd

from allocatie.kern.taal import huishoudens, nl_getal, personen
from allocatie.model.onhaalbaar import conflicttekst, criteriumbeschrijving, minimaal_conflict
from allocatie.model.toelaatbaar import (
    ANKER_CRITERIA,
    Paren,
    bouw_paren,
    coa_vrijgesteld,
    criteriummaskers,
    optie_gemeente,
)
from allocatie.model.vastlegging import vastlegteksten
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import REGIOSOORTEN, Instance

#: Cost terms of a pair, as columns ``kosten_<term>``.
KOSTENDELEN: tuple[str, ...] = ("werk", "studie", "coa_regio", "flex")
#: Columns of `verklaar`, in order.
KOLOMMEN: tuple[str, ...] = (
    "huishouden_id",
    "personen",
    "geplaatst_in",
    "gemeente_code",
    "harde_criteria",
    "kosten",
    *(f"kosten_{d}" for d in KOSTENDELEN),
    "passende_opties",
    "beste_alternatief",
    "alternatief_kosten",
    "reden",
)
#: Text when the alternative costs the same as the chosen option.
GELIJKE_KOSTEN = (
    "gelijke kosten; verdeling over gemeenten (tekort/eerlijkheid/overvulling) gaf de doorslag"
)
_EPS = 1e-9

T = TypeVar("T")


def _getal(x: float) -> str:
    """A cost in Dutch notation: whole numbers without, others with two decimals."""
    return nl_getal(x, 0) if abs(x - round(x)) < 1e-6 else nl_getal(x, 2)


def _criteriumtekst(inst: Instance, h: int, coa_vrij: np.ndarray | None = None) -> dict[str, str]:
    """Criterion -> Dutch description for household ``h`` (anchor criteria it has).

    With the hard COA-regio rule also ``coa_regio``; ``coa_vrij`` is
    `allocatie.model.toelaatbaar.coa_vrijgesteld` of the round.
    """
    pr, rij = inst.preset, inst.huishoudens.iloc[h]
    teksten = {}
    for kolom, crit, limiet in ANKER_CRITERIA:
        if getattr(pr.criteria, crit) and rij[kolom]:
            grens = pr.limieten.minuten_voor(limiet, rij["vervoer"], int(rij["personen"]))
            teksten[crit] = f"{crit} ≤ {_getal(grens)} min ({rij['vervoer']}) naar {rij[kolom]}"
    if pr.criteria.coa_regio:
        vrij = coa_vrijgesteld(inst)[h] if coa_vrij is None else bool(coa_vrij[h])
        if vrij:
            teksten["coa_regio"] = "COA-regio vrij: werk, studie, familie of zorg ligt erbuiten"
        else:
            regio = inst.gemeenten.set_index("gemeente_code").at[rij["azc_gemeente"], "coa_regio"]
            teksten["coa_regio"] = f"COA-regio {regio} van het azc"
    return teksten


def optiegebruik(
    inst: Instance, res: AllocationResult
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per option: slots used, room (persons + nareizigers) used; per region: persons placed."""
    op, hh = inst.opties, inst.huishoudens
    opos = {a: i for i, a in enumerate(op["aanbod_id"].tolist())}
    hpos = {h: i for i, h in enumerate(hh["huishouden_id"].tolist())}
    pl = res.plaatsingen
    o = np.array([opos[a] for a in pl["aanbod_id"]], dtype=np.int64)
    h = np.array([hpos[x] for x in pl["huishouden_id"]], dtype=np.int64)
    k = op["max_per_eenheid"].to_numpy(float)
    ruimte = hh["ruimte"].to_numpy(float)
    slot = np.where(ruimte[h] == 1, 1.0, k[o])
    slots = np.bincount(o, weights=slot, minlength=len(op))
    gebruikt = np.bincount(o, weights=ruimte[h], minlength=len(op))
    regio = np.zeros(len(inst.regiocapaciteit))
    og = optie_gemeente(inst)
    pers = hh["personen"].to_numpy(float)
    for r, (soort, code) in enumerate(
        zip(inst.regiocapaciteit["regio_soort"], inst.regiocapaciteit["regio_code"], strict=True)
    ):
        in_regio = inst.gemeenten[REGIOSOORTEN[soort]].to_numpy(object) == code
        regio[r] = pers[h][in_regio[og[o]]].sum()
    return slots, gebruikt, regio


@dataclass(frozen=True)
class _Vaste:
    """The round's figures `vol_reden` reads, as arrays (built once per round)."""

    k: np.ndarray  # max_per_eenheid per option
    eenheden: np.ndarray
    capaciteit: np.ndarray  # capaciteit_personen per option
    ruimte: np.ndarray  # per household
    personen: np.ndarray  # per household
    og: np.ndarray  # gemeente position of each option
    lid: np.ndarray  # region capacity row x gemeente: member


_CACHE: dict[int, tuple[weakref.ref[Any], Any]] = {}


def _per_object(obj: Any, maak: Callable[[], T]) -> T:
    """``maak()`` computed once per live object ``obj`` (keyed by identity).

    Instances and pair sets hold DataFrames and arrays, so they cannot be
    hashed; a weak reference checks that the id still belongs to ``obj``.
    """
    bewaard = _CACHE.get(id(obj))
    if bewaard is not None and bewaard[0]() is obj:
        return cast(T, bewaard[1])
    waarde = maak()
    for sleutel in [s for s, (ref, _) in _CACHE.items() if ref() is None]:
        del _CACHE[sleutel]
    _CACHE[id(obj)] = (weakref.ref(obj), waarde)
    return waarde


def _vaste(inst: Instance) -> _Vaste:
    """`_Vaste` of ``inst``, computed once while the instance lives."""

    def maak() -> _Vaste:
        op, hh, rc = inst.opties, inst.huishoudens, inst.regiocapaciteit
        lid = np.zeros((len(rc), len(inst.gemeenten)), dtype=bool)
        for r, (soort, code) in enumerate(zip(rc["regio_soort"], rc["regio_code"], strict=True)):
            lid[r] = inst.gemeenten[REGIOSOORTEN[soort]].to_numpy(object) == code
        return _Vaste(
            k=op["max_per_eenheid"].to_numpy(float),
            eenheden=op["eenheden"].to_numpy(float),
            capaciteit=op["capaciteit_personen"].to_numpy(float),
            ruimte=hh["ruimte"].to_numpy(np.int64),
            personen=hh["personen"].to_numpy(np.int64),
            og=optie_gemeente(inst),
            lid=lid,
        )

    return _per_object(inst, maak)


def vol_reden(
    inst: Instance,
    h: int,
    o: int,
    gebruik: tuple[np.ndarray, np.ndarray, np.ndarray],
    eigen: int | None = None,
) -> str:
    """Why option ``o`` has no room for household ``h`` in the result ('' if it has).

    ``eigen`` is the option household ``h`` itself holds (its own use is freed
    when it would move, except within that same option). Reads the round's
    figures as arrays (`_vaste`): a national round asks this ~60,000 times.
    """
    slots, gebruikt, regio = gebruik
    v = _vaste(inst)
    k = float(v.k[o])
    ruimte = int(v.ruimte[h])
    slot = 1.0 if ruimte == 1 else k
    if slots[o] + slot > k * float(v.eenheden[o]) + _EPS:
        return "vol: geen eenheid meer vrij"
    if gebruikt[o] + ruimte > float(v.capaciteit[o]) + _EPS:
        vrij = int(float(v.capaciteit[o]) - gebruikt[o])
        return f"vol: nog plaats voor {personen(vrij)}, nodig {ruimte}"
    rc = inst.regiocapaciteit
    g_o = int(v.og[o])
    g_eigen = None if eigen is None else int(v.og[eigen])
    for r, (soort, code, maximum) in enumerate(
        zip(rc["regio_soort"], rc["regio_code"], rc["max_personen"], strict=True)
    ):
        if not v.lid[r, g_o] or (g_eigen is not None and v.lid[r, g_eigen]):
            continue
        if regio[r] + int(v.personen[h]) > float(maximum) + _EPS:
            return f"vol: regiocapaciteit {soort} {code} bereikt"
    return ""


def verklaar(inst: Instance, res: AllocationResult) -> pd.DataFrame:
    """One row per household: where it went, why, and why not the best alternative.

    Parameters
    ----------
    inst
        The round.
    res
        Its result.

    Returns
    -------
    pandas.DataFrame
        Columns `KOLOMMEN`, one row per household in ``huishouden_id`` order.
        ``geplaatst_in`` and ``gemeente_code`` are ``""`` for unplaced
        households and their cost columns NaN; ``beste_alternatief`` is the
        cheapest admissible option other than the chosen one (ties by
        ``aanbod_id``; for an unplaced household the cheapest admissible one),
        ``""`` when there is none; ``reden`` says in Dutch why it was not
        chosen, or why the household is unplaced.
    """
    hh, op = inst.huishoudens, inst.opties
    paren = bouw_paren(inst)
    maskers = criteriummaskers(inst)
    gebruik = optiegebruik(inst, res)
    aanbod = op["aanbod_id"].to_numpy(object)
    opos = {a: i for i, a in enumerate(aanbod.tolist())}
    gekozen = dict(zip(res.plaatsingen["huishouden_id"], res.plaatsingen["aanbod_id"], strict=True))
    begin = np.searchsorted(paren.h, np.arange(len(hh) + 1))
    vastleg = vastlegteksten(inst)
    coa_vrij = coa_vrijgesteld(inst)
    rijen = []
    for h, hid in enumerate(hh["huishouden_id"].tolist()):
        ps = np.arange(begin[h], begin[h + 1])
        teksten = _criteriumtekst(inst, h, coa_vrij)
        if hid in vastleg:
            teksten["vastlegging"] = vastleg[hid]
        rij: dict[str, object] = {
            "huishouden_id": hid,
            "personen": int(hh["personen"].iat[h]),
            "geplaatst_in": "",
            "gemeente_code": "",
            "harde_criteria": "; ".join(teksten.values()),
            "kosten": np.nan,
            **{f"kosten_{d}": np.nan for d in KOSTENDELEN},
            "passende_opties": len(ps),
            "beste_alternatief": "",
            "alternatief_kosten": np.nan,
            "reden": "",
        }
        keuze = gekozen.get(hid)
        eigen = None if keuze is None else opos[keuze]
        if eigen is not None:
            p = int(ps[paren.o[ps] == eigen][0])
            rij.update(
                geplaatst_in=keuze,
                gemeente_code=op["gemeente_code"].iat[eigen],
                kosten=float(paren.kosten[p]),
                **{f"kosten_{d}": float(paren.kostendelen[d][p]) for d in KOSTENDELEN},
            )
        anders = ps[paren.o[ps] != eigen] if eigen is not None else ps
        if len(anders):
            volgorde = np.lexsort((aanbod[paren.o[anders]].astype(str), paren.kosten[anders]))
            alt = int(anders[volgorde[0]])
            ao = int(paren.o[alt])
            rij["beste_alternatief"] = aanbod[ao]
            rij["alternatief_kosten"] = float(paren.kosten[alt])
            if eigen is not None:
                rij["reden"] = _reden_alternatief(inst, paren, h, p, alt, gebruik, eigen)
            else:
                rij["reden"] = _reden_vol(inst, h, paren.o[anders[volgorde]], gebruik)
        elif eigen is not None:
            rij["reden"] = "geen alternatief: enige passende optie" + (
                f" ({vastleg[hid]})" if hid in vastleg else ""
            )
        else:
            rij["reden"] = _reden_geen_optie(inst, h, maskers)
        rijen.append(rij)
    uit = pd.DataFrame(rijen, columns=list(KOLOMMEN))
    return uit.sort_values("huishouden_id", kind="stable", ignore_index=True)


def _reden_alternatief(
    inst: Instance,
    paren: Paren,
    h: int,
    p: int,
    alt: int,
    gebruik: tuple[np.ndarray, np.ndarray, np.ndarray],
    eigen: int,
) -> str:
    """Why the alternative pair ``alt`` was not chosen over the chosen pair ``p``."""
    kosten = paren.kosten
    delen = paren.kostendelen
    vol = vol_reden(inst, h, int(paren.o[alt]), gebruik, eigen)
    if vol:
        return vol
    verschil = float(kosten[alt] - kosten[p])
    if verschil > _EPS:
        termen = [
            f"{d} {'+' if delen[d][alt] > delen[d][p] else '-'}"
            f"{_getal(abs(float(delen[d][alt] - delen[d][p])))}"
            for d in KOSTENDELEN
            if abs(float(delen[d][alt] - delen[d][p])) > _EPS
        ]
        return f"hogere kosten (+{_getal(verschil)}): " + ", ".join(termen)
    if verschil < -_EPS:
        return (
            f"lagere kosten ({_getal(verschil)}), maar de verdeling over gemeenten "
            "(tekort/eerlijkheid/overvulling) gaf de doorslag"
        )
    return GELIJKE_KOSTEN


def _reden_vol(
    inst: Instance, h: int, opties: np.ndarray, gebruik: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> str:
    """Reason for an unplaced household with admissible ``opties`` (cheapest first)."""
    aanbod = inst.opties["aanbod_id"].to_numpy(object)
    vol = [int(o) for o in opties if vol_reden(inst, h, int(o), gebruik)]
    namen = ", ".join(str(aanbod[o]) for o in vol[:3])
    meer = f" (en {len(vol) - 3} meer)" if len(vol) > 3 else ""
    if len(vol) == len(opties):
        return f"alle passende opties vol: {namen}{meer}"
    vrij = ", ".join(str(aanbod[o]) for o in opties if int(o) not in vol)
    return f"passende opties vol: {namen}{meer}; nog ruimte in {vrij} (binnen de tolerantie)"


def _reden_geen_optie(inst: Instance, h: int, maskers: dict[str, np.ndarray]) -> str:
    """Reason for a household without any admissible option: the criteria that conflict.

    The smallest set of hard criteria (locks and bans included) whose options
    have nothing in common, with the number of options each allows
    (`allocatie.model.onhaalbaar`, the same text as in ``onhaalbaar.csv``).
    """
    rij = {c: m[h] for c, m in maskers.items()}
    criteria = minimaal_conflict(rij)
    if not criteria:  # pragma: no cover - only for a household with an admissible option
        return "geen passende optie"
    return "geen passende optie: " + conflicttekst(criteria, rij, criteriumbeschrijving(inst, h))


def _paren_van_gemeente(inst: Instance, paren: Paren, gi: int) -> np.ndarray:
    """Positions of the pairs of ``paren`` whose option lies in gemeente ``gi``.

    The pairs are grouped by gemeente once per `Paren` (`_per_object`): a
    national round has millions of pairs and ~300 gemeenten to explain.
    """

    def maak() -> tuple[np.ndarray, np.ndarray]:
        og_p = optie_gemeente(inst)[paren.o]
        volgorde = np.argsort(og_p, kind="stable")
        return volgorde, np.searchsorted(og_p[volgorde], np.arange(len(inst.gemeenten) + 1))

    volgorde, grens = _per_object(paren, maak)
    return volgorde[grens[gi] : grens[gi + 1]]


def _ruimte_voor_anderen(
    inst: Instance,
    paren: Paren,
    gi: int,
    geplaatst_g: np.ndarray,
    gebruik: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> bool:
    """Whether some household not placed in gemeente ``gi`` still fits one of its options.

    Vectorised `_vol` over the pairs into gemeente ``gi``: a free slot, room for
    the household's persons and nareizigers, and room in every region capacity
    (moving within a region leaves its use unchanged).
    """
    slots, gebruikt, regio = gebruik
    op, hh = inst.opties, inst.huishoudens
    p = _paren_van_gemeente(inst, paren, gi)
    sel = p[geplaatst_g[paren.h[p]] != gi]
    h, o = paren.h[sel], paren.o[sel]
    k = op["max_per_eenheid"].to_numpy(float)
    ruimte = hh["ruimte"].to_numpy(float)
    slot = np.where(ruimte[h] == 1, 1.0, k[o])
    past = (slots[o] + slot <= k[o] * op["eenheden"].to_numpy(float)[o] + _EPS) & (
        gebruikt[o] + ruimte[h] <= op["capaciteit_personen"].to_numpy(float)[o] + _EPS
    )
    rc = inst.regiocapaciteit
    pers = hh["personen"].to_numpy(float)
    for r, (soort, code, maximum) in enumerate(
        zip(rc["regio_soort"], rc["regio_code"], rc["max_personen"], strict=True)
    ):
        in_regio = inst.gemeenten[REGIOSOORTEN[soort]].to_numpy(object) == code
        if not in_regio[gi]:
            continue
        al_binnen = (geplaatst_g[h] >= 0) & in_regio[np.maximum(geplaatst_g[h], 0)]
        past &= al_binnen | (regio[r] + pers[h] <= float(maximum) + _EPS)
    return bool(past.any())


def verklaar_gemeenten(inst: Instance, res: AllocationResult) -> pd.DataFrame:
    """One row per gemeente with a shortfall or a swap: a Dutch sentence on its cause.

    Parameters
    ----------
    inst
        The round.
    res
        Its result.

    Returns
    -------
    pandas.DataFrame
        ``gemeente_code, gemeente_naam, opgave, geplaatst, tekort,
        tekort_door_aanbod, verklaring``: how much of the shortfall the
        gemeente's own supply cannot avoid, and for the rest whether households
        that fit its supply were placed elsewhere or none fit. A taakstelling
        swap (preset ``[ruil]``) is named with its partners, and the shortfall
        is then against the opgave after the swap.
    """
    g = res.per_gemeente
    paren = bouw_paren(inst)
    gidx = inst.gemeente_index
    hpos = {x: i for i, x in enumerate(inst.huishoudens["huishouden_id"].tolist())}
    geplaatst_g = np.full(len(inst.huishoudens), -1, dtype=np.int64)
    for hid, code in zip(
        res.plaatsingen["huishouden_id"], res.plaatsingen["gemeente_code"], strict=True
    ):
        geplaatst_g[hpos[hid]] = gidx[code]
    pers = inst.huishoudens["personen"].to_numpy(np.int64)
    gebruik = optiegebruik(inst, res)
    rijen = []
    for r in g.itertuples(index=False):
        ruil = _ruiltekst(res, r.gemeente_code)
        if r.tekort <= 0 and not ruil:
            continue
        gi = gidx[r.gemeente_code]
        delen = (
            [
                f"Tekort {personen(int(r.tekort))} (opgave {r.opgave_na_ruil}, "
                f"geplaatst {r.geplaatst})"
            ]
            if r.tekort > 0
            else [f"Geen tekort (opgave {r.opgave_na_ruil}, geplaatst {r.geplaatst})"]
        )
        delen += ruil
        if r.tekort_door_aanbod > 0:
            delen.append(
                f"{personen(int(r.tekort_door_aanbod))} door te weinig eigen aanbod "
                f"(plaats voor {personen(int(r.aanbod_personen))})"
            )
        rest = int(r.tekort) - int(r.tekort_door_aanbod)
        if rest > 0:
            past = np.zeros(len(inst.huishoudens), dtype=bool)
            past[paren.h[_paren_van_gemeente(inst, paren, gi)]] = True
            elders = past & (geplaatst_g >= 0) & (geplaatst_g != gi)
            onbediend = past & (geplaatst_g < 0)
            ruimte_over = _ruimte_voor_anderen(inst, paren, gi, geplaatst_g, gebruik)
            if not (past & (geplaatst_g != gi)).any():
                delen.append(
                    f"de overige {personen(rest)}: geen ander huishouden past op het eigen "
                    "aanbod (grootte, beschikbaarheid of harde criteria)"
                )
            elif not ruimte_over:
                delen.append(
                    f"de overige {personen(rest)}: het eigen aanbod is vol (de resterende "
                    "plaats past bij geen ander huishouden)"
                )
            else:
                tekst = (
                    f"de overige {personen(rest)}: {huishoudens(int(elders.sum()))} "
                    f"({personen(int(pers[elders].sum()))}) die hier passen, zijn elders "
                    "geplaatst (verdeling over gemeenten, eerlijkheid of kosten)"
                )
                if onbediend.any():
                    tekst += (
                        f"; {huishoudens(int(onbediend.sum()))} die hier passen, bleven onbediend"
                    )
                delen.append(tekst)
        rijen.append(
            {
                "gemeente_code": r.gemeente_code,
                "gemeente_naam": r.gemeente_naam,
                "opgave": int(r.opgave_na_ruil),
                "geplaatst": int(r.geplaatst),
                "tekort": int(r.tekort),
                "tekort_door_aanbod": int(r.tekort_door_aanbod),
                "verklaring": "; ".join(delen) + ".",
            }
        )
    return pd.DataFrame(
        rijen,
        columns=[
            "gemeente_code",
            "gemeente_naam",
            "opgave",
            "geplaatst",
            "tekort",
            "tekort_door_aanbod",
            "verklaring",
        ],
    )


def _ruiltekst(res: AllocationResult, code: str) -> list[str]:
    """The swaps of gemeente ``code`` as Dutch sentence parts (empty without a swap)."""
    r = res.ruilingen
    if r.empty:
        return []
    delen = []
    for kolom, ander, werkwoord in (
        ("van_gemeente", "naar", "overgedragen aan"),
        ("naar_gemeente", "van", "overgenomen van"),
    ):
        rij = r[r[kolom] == code]
        if len(rij):
            wie = ", ".join(
                f"{n} ({personen(int(p))})"
                for n, p in zip(rij[f"{ander}_naam"], rij["personen"], strict=True)
            )
            delen.append(
                f"ruil (Huisvestingswet art. 29 lid 2): {personen(int(rij['personen'].sum()))} "
                f"van de taakstelling {werkwoord} {wie}"
            )
    return delen

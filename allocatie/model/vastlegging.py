"""Locks and bans set by hand (``vastleggingen``): their mask and their pre-solve analysis.

A *lock* (``soort = vast``) restricts a household's options to one option, or
to the options of one gemeente; a *ban* (``verbod``) removes one option, or
every option of one gemeente. Both act as one more hard criterion,
``vastlegging`` in `allocatie.model.toelaatbaar.criteriummaskers`: a lock
never bypasses the other hard criteria, so a household locked to an option
that does not fit it has no admissible option and stays unplaced (reported by
`analyseer_vastleggingen`).

A lock must also be *honoured*: the model may not leave a locked household
unplaced to place others. `analyseer_vastleggingen` decides, before solving,
which locked households can all be placed at once (their lock is admissible,
the locked options have room for all of them, a first-fit pass places the
gemeente locks in what is left, and no region capacity is exceeded); those are
*fixed*: `allocatie.model.bouw.bouw_model` gives their types an upper bound of
0 on ``onbediend``. Fixed households never share a type with other households
(`allocatie.model.toelaatbaar.bouw_typen` groups on the flag as well), so
fixing a type fixes exactly its members; identical locks may still share a
type. Locks that do not all fit are reported with the numbers and left to the
model.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from allocatie.kern.taal import personen
from allocatie.ronde.instance import Instance

#: Dutch description of each hard criterion, for the lock signals.
CRITERIUMTEKST = {
    "grootte": "woninggrootte of capaciteit",
    "beschikbaarheid": "beschikbaarheid (komt te laat vrij of sluit te vroeg)",
    "werk": "reistijd naar werk",
    "studie": "reistijd naar studie",
    "familie": "nabijheid van familie",
    "zorg": "reistijd naar zorg",
}
_EPS = 1e-9
_REGIOKOLOM = {
    "provincie": "provincie_code",
    "arbeidsmarktregio": "arbeidsmarktregio_code",
    "coa_regio": "coa_regio",
}


def _optie_gemeente(inst: Instance) -> np.ndarray:
    gidx = inst.gemeente_index
    return np.array([gidx[c] for c in inst.opties["gemeente_code"]], dtype=np.int64)


def vastleggingmasker(inst: Instance) -> np.ndarray | None:
    """Household x option matrix of pairs the locks and bans allow; None without any.

    A locked household keeps only its lock's option(s); a banned pair is removed.
    """
    vl = inst.vastleggingen
    if not len(vl):
        return None
    hpos = {h: i for i, h in enumerate(inst.huishoudens["huishouden_id"].tolist())}
    opos = {a: i for i, a in enumerate(inst.opties["aanbod_id"].tolist())}
    gidx = inst.gemeente_index
    og = _optie_gemeente(inst)
    ok = np.ones((len(inst.huishoudens), len(inst.opties)), dtype=bool)
    rijen = list(
        zip(vl["huishouden_id"], vl["aanbod_id"], vl["gemeente_code"], vl["soort"], strict=True)
    )
    # Locks first (they set the row), then bans (they clear pairs of it).
    for hid, aid, code, soort in rijen:
        if soort == "vast":
            h = hpos[hid]
            ok[h] = (np.arange(len(og)) == opos[aid]) if aid else (og == gidx[code])
    for hid, aid, code, soort in rijen:
        if soort == "verbod":
            h = hpos[hid]
            if aid:
                ok[h, opos[aid]] = False
            else:
                ok[h, og == gidx[code]] = False
    return ok


@dataclass(frozen=True)
class VastAnalyse:
    """Which locked households the model must place, and the signals before solving.

    Attributes
    ----------
    vast
        Per household: its lock is fixed (``onbediend`` is 0 for it).
    plaats
        Per household: an option where the pre-solve pass placed it (-1 if not
        fixed); together a feasible placement of every fixed household.
    signalen
        Dutch sentences: inadmissible locks, locks that do not all fit.
    """

    vast: np.ndarray
    plaats: np.ndarray
    signalen: list[str] = field(default_factory=list)


def geen_vastleggingen(n_huishoudens: int) -> VastAnalyse:
    """The analysis of a round without locks."""
    return VastAnalyse(
        vast=np.zeros(n_huishoudens, dtype=bool),
        plaats=np.full(n_huishoudens, -1, dtype=np.int64),
    )


def vastlegteksten(inst: Instance) -> dict[str, str]:
    """Household id -> Dutch description of its locks and bans set by hand.

    Examples: ``"vastgelegd door regisseur op W1 (wens gemeente)"``,
    ``"verboden door regisseur: F2, gemeente GM0003"``.
    """
    vast: dict[str, str] = {}
    verbod: dict[str, list[str]] = {}
    vl = inst.vastleggingen
    for hid, aid, code, soort, toel in zip(
        vl["huishouden_id"],
        vl["aanbod_id"],
        vl["gemeente_code"],
        vl["soort"],
        vl["toelichting"],
        strict=True,
    ):
        doel = aid if aid else f"gemeente {code}"
        if soort == "vast":
            vast[hid] = f"vastgelegd door regisseur op {doel}" + (f" ({toel})" if toel else "")
        else:
            verbod.setdefault(hid, []).append(doel + (f" ({toel})" if toel else ""))
    uit = dict(vast)
    for hid, doelen in verbod.items():
        tekst = "verboden door regisseur: " + ", ".join(doelen)
        uit[hid] = f"{uit[hid]}; {tekst}" if hid in uit else tekst
    return uit


def _doeltekst(aid: str, code: str) -> str:
    return aid if aid else f"gemeente {code}"


def analyseer_vastleggingen(inst: Instance, maskers: dict[str, np.ndarray]) -> VastAnalyse:
    """Check every lock against the other hard criteria and the capacities.

    Parameters
    ----------
    inst
        The round.
    maskers
        `allocatie.model.toelaatbaar.criteriummaskers` of the round (with
        ``vastlegging``).

    Returns
    -------
    VastAnalyse
        The fixed households, a feasible placement of them, and the signals.
    """
    H = len(inst.huishoudens)
    uit = geen_vastleggingen(H)
    vl = inst.vastleggingen
    if "vastlegging" not in maskers or not (vl["soort"] == "vast").any():
        return uit
    vast, plaats, signalen = uit.vast, uit.plaats, uit.signalen
    hh, op = inst.huishoudens, inst.opties
    hpos = {h: i for i, h in enumerate(hh["huishouden_id"].tolist())}
    opos = {a: i for i, a in enumerate(op["aanbod_id"].tolist())}
    aanbod = op["aanbod_id"].to_numpy(object)
    doel = maskers["vastlegging"]
    overig = np.ones_like(doel)
    for naam, m in maskers.items():
        if naam != "vastlegging":
            overig &= m
    ruimte = hh["ruimte"].to_numpy(np.int64)
    k = op["max_per_eenheid"].to_numpy(np.int64)
    cap = op["capaciteit_personen"].to_numpy(float).copy()
    slots = (k * op["eenheden"].to_numpy(np.int64)).astype(float)

    def slot(h: int, o: int) -> float:
        return 1.0 if ruimte[h] == 1 else float(k[o])

    per_optie: dict[int, list[int]] = defaultdict(list)
    gemeentelocks: list[tuple[int, str]] = []
    locks = vl[vl["soort"] == "vast"]
    for hid, aid, code in zip(
        locks["huishouden_id"], locks["aanbod_id"], locks["gemeente_code"], strict=True
    ):
        h = hpos[hid]
        toegestaan = doel[h] & overig[h]
        if not toegestaan.any():
            redenen = [
                CRITERIUMTEKST.get(c, c)
                for c, m in maskers.items()
                if c != "vastlegging" and not (m[h] & doel[h]).any()
            ]
            waarom = ", ".join(redenen) if redenen else "een combinatie van harde criteria"
            wat = "die optie past niet" if aid else "geen optie van die gemeente past"
            signalen.append(
                f"Huishouden {hid} is vastgelegd op {_doeltekst(aid, code)}, maar {wat} "
                f"({waarom}); de vastlegging gaat niet boven de harde criteria, dus het "
                "huishouden blijft onbediend."
            )
        elif aid:
            per_optie[opos[aid]].append(h)
        else:
            gemeentelocks.append((h, code))

    for o in sorted(per_optie):
        groep = per_optie[o]
        nodig_r = float(ruimte[groep].sum())
        nodig_s = sum(slot(h, o) for h in groep)
        if nodig_r <= cap[o] + _EPS and nodig_s <= slots[o] + _EPS:
            vast[groep] = True
            plaats[groep] = o
            cap[o] -= nodig_r
            slots[o] -= nodig_s
        else:
            signalen.append(
                f"Op {aanbod[o]} zijn {len(groep)} huishoudens vastgelegd die samen ruimte voor "
                f"{personen(int(nodig_r))} en {nodig_s:g} plaatsen in eenheden nodig hebben, maar "
                f"er is plaats voor {int(op['capaciteit_personen'].iat[o])} personen en "
                f"{int(slots[o])} plaatsen in eenheden: het model kiest wie er geplaatst wordt."
            )
    for h, code in gemeentelocks:
        for o in np.flatnonzero(doel[h] & overig[h]).tolist():
            if ruimte[h] <= cap[o] + _EPS and slot(h, o) <= slots[o] + _EPS:
                vast[h] = True
                plaats[h] = o
                cap[o] -= ruimte[h]
                slots[o] -= slot(h, o)
                break
        else:
            signalen.append(
                f"Huishouden {hh['huishouden_id'].iat[h]} is vastgelegd op gemeente {code}, maar "
                "na de andere vastleggingen heeft geen passende optie daar nog plaats: het model "
                "beslist of het geplaatst wordt."
            )

    og = _optie_gemeente(inst)
    pers = hh["personen"].to_numpy(np.int64)
    rc = inst.regiocapaciteit
    for soort, regio, maximum in zip(
        rc["regio_soort"], rc["regio_code"], rc["max_personen"], strict=True
    ):
        in_regio = inst.gemeenten[_REGIOKOLOM[soort]].to_numpy(object) == regio
        binnen = np.flatnonzero(vast & (plaats >= 0))
        binnen = binnen[in_regio[og[plaats[binnen]]]]
        totaal = int(pers[binnen].sum())
        if totaal > int(maximum):
            vast[binnen] = False
            plaats[binnen] = -1
            signalen.append(
                f"De vastleggingen in {soort} {regio} vragen {personen(totaal)}, meer dan de "
                f"regiocapaciteit van {int(maximum)}: het model kiest wie er geplaatst wordt."
            )
    return uit

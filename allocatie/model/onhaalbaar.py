"""Infeasibility diagnosis: which hard criteria of a household contradict each other.

A household without any admissible option (`allocatie.model.toelaatbaar`) stays
unplaced; the rest of the round is solved as usual. For such a household
`diagnoseer_onhaalbaar` names the conflict: the smallest set of hard criteria
(`allocatie.model.toelaatbaar.criteriummaskers`: size, availability, werk,
studie, familie, zorg, the COA-regio when the preset makes it hard, and the
locks and bans set by hand) whose options have nothing in common, with how
many options each of them allows on its own. For example: "werk in GM0363
binnen 60 min (ov) laat 14 opties toe, woninggrootte (ruimte voor 6 personen)
laat 9 opties toe, samen 0".

The set is *minimal*: drop any criterion from it and some option satisfies the
others. Of the minimal sets it is one of the smallest (ties: first in the
criterion order of the model), found by trying all combinations of 1, 2, ...
criteria: at most 2^8 small boolean reductions per household.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from allocatie.kern.taal import aantal, nl_getal, personen
from allocatie.model.toelaatbaar import ANKER_CRITERIA, criteriummaskers
from allocatie.model.vastlegging import vastlegteksten
from allocatie.ronde.instance import Instance

#: Columns of the diagnosis table, in order.
ONHAALBAAR_KOLOMMEN: tuple[str, ...] = (
    "huishouden_id",
    "personen",
    "ruimte",
    "criteria",
    "conflict",
    "toelichting",
)


def lege_onhaalbaar() -> pd.DataFrame:
    """An empty diagnosis table (a round where every household has an option)."""
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in ONHAALBAAR_KOLOMMEN})


def minimaal_conflict(maskers: dict[str, np.ndarray]) -> tuple[str, ...]:
    """A smallest set of criteria whose admissible options have nothing in common.

    Parameters
    ----------
    maskers
        Criterion -> boolean vector over the options (one household's row).

    Returns
    -------
    tuple[str, ...]
        The criteria in their order in ``maskers``; ``()`` when every criterion
        holds together for some option (the household is not infeasible).

    Examples
    --------
    >>> m = {"grootte": np.array([1, 1, 0], bool), "werk": np.array([0, 0, 1], bool),
    ...      "zorg": np.array([0, 1, 1], bool)}
    >>> minimaal_conflict(m)
    ('grootte', 'werk')
    """
    namen = list(maskers)
    if not namen:
        return ()
    M = np.array([maskers[c] for c in namen], dtype=bool).reshape(len(namen), -1)
    for k in range(1, len(namen) + 1):
        for combinatie in itertools.combinations(range(len(namen)), k):
            if not np.logical_and.reduce(M[list(combinatie)], axis=0).any():
                return tuple(namen[i] for i in combinatie)
    return ()


def criteriumbeschrijving(
    inst: Instance, h: int, vastleg: dict[str, str] | None = None
) -> dict[str, str]:
    """Criterion -> Dutch description of what it asks of household ``h`` (position).

    ``vastleg`` is `allocatie.model.vastlegging.vastlegteksten` of the round,
    when already computed.
    """
    pr, rij = inst.preset, inst.huishoudens.iloc[h]
    beschrijving = {
        "grootte": f"woninggrootte (ruimte voor {personen(int(rij['ruimte']))})",
        "beschikbaarheid": (
            "beschikbaarheid (vrij uiterlijk "
            f"{np.datetime_as_string(inst.deadline()[h], unit='D')})"
        ),
    }
    for kolom, crit, limiet in ANKER_CRITERIA:
        if rij[kolom]:
            grens = pr.limieten.minuten_voor(limiet, rij["vervoer"], int(rij["personen"]))
            binnen = (
                "(in die gemeente zelf)"
                if grens == 0
                else f"binnen {nl_getal(grens, 0 if grens == int(grens) else 1)} min "
                f"({rij['vervoer']})"
            )
            beschrijving[crit] = f"{crit} in {rij[kolom]} {binnen}"
    coa = inst.gemeenten.set_index("gemeente_code")["coa_regio"]
    beschrijving["coa_regio"] = (
        f"COA-regio {coa[rij['azc_gemeente']]} van het azc ({rij['azc_gemeente']})"
    )
    tekst = (vastlegteksten(inst) if vastleg is None else vastleg).get(str(rij["huishouden_id"]))
    if tekst:
        beschrijving["vastlegging"] = tekst
    return beschrijving


def _laat_toe(n: int) -> str:
    return "laat geen enkele optie toe" if n == 0 else f"laat {aantal(n, 'optie', 'opties')} toe"


def conflicttekst(
    criteria: tuple[str, ...], maskers: dict[str, np.ndarray], beschrijving: dict[str, str]
) -> str:
    """The Dutch sentence of a conflict: each criterion with its number of options, then 0.

    Examples
    --------
    >>> m = {"grootte": np.array([1, 1, 0], bool), "werk": np.array([0, 0, 1], bool)}
    >>> conflicttekst(("grootte", "werk"), m, {"grootte": "woninggrootte", "werk": "werk"})
    'woninggrootte laat 2 opties toe, werk laat 1 optie toe, samen 0'
    >>> conflicttekst(("grootte",), {"grootte": np.zeros(3, bool)}, {"grootte": "woninggrootte"})
    'woninggrootte laat geen enkele optie toe'
    """
    delen = [
        f"{beschrijving.get(c, c)} {_laat_toe(int(np.count_nonzero(maskers[c])))}" for c in criteria
    ]
    return ", ".join(delen) + (", samen 0" if len(criteria) > 1 else "")


def diagnoseer_onhaalbaar(inst: Instance, zonder: np.ndarray) -> pd.DataFrame:
    """The conflict of each household without any admissible option.

    Parameters
    ----------
    inst
        The round.
    zonder
        Positions of the households without any admissible option.

    Returns
    -------
    pandas.DataFrame
        Columns `ONHAALBAAR_KOLOMMEN`, one row per household in ``zonder``
        (in ``huishouden_id`` order): ``criteria`` the minimal conflicting set
        (``"grootte, werk"``), ``conflict`` the sentence with the number of
        options each allows, ``toelichting`` the same with the household id
        and size in front.
    """
    zonder = np.asarray(zonder, dtype=np.int64)
    if not len(zonder):
        return lege_onhaalbaar()
    maskers = criteriummaskers(inst, zonder)
    hh = inst.huishoudens
    vastleg = vastlegteksten(inst)
    rijen = []
    for i, h in enumerate(zonder.tolist()):
        rij = {c: m[i] for c, m in maskers.items()}
        criteria = minimaal_conflict(rij)
        if not criteria:  # cannot happen for a household without admissible options
            continue
        conflict = conflicttekst(criteria, rij, criteriumbeschrijving(inst, h, vastleg))
        hid = str(hh["huishouden_id"].iat[h])
        p, nr = int(hh["personen"].iat[h]), int(hh["nareizigers"].iat[h])
        wie = personen(p) + (f", {nr} nareiziger{'s' if nr != 1 else ''} verwacht" if nr else "")
        rijen.append(
            {
                "huishouden_id": hid,
                "personen": p,
                "ruimte": int(hh["ruimte"].iat[h]),
                "criteria": ", ".join(criteria),
                "conflict": conflict,
                "toelichting": f"{hid} ({wie}): {conflict}",
            }
        )
    if not rijen:
        return lege_onhaalbaar()
    uit = pd.DataFrame(rijen, columns=list(ONHAALBAAR_KOLOMMEN))
    return uit.sort_values("huishouden_id", kind="stable", ignore_index=True)

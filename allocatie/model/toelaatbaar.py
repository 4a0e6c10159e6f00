"""Admissible (household, option) pairs and their cost terms, computed with numpy.

A pair exists only when every hard criterion of the preset holds; pairs outside
the admissible set are never created (absence is first-class). Travel times are
the instance's minutes (origin-destination table or estimate) in the
household's own mode (``vervoer``); a home in the anchor gemeente itself always
meets the limit.

Interchangeable households are grouped into *types* (`bouw_typen`): households
with the same ``personen``, the same ``ruimte``, the same admissible options and
the same cost on each of them (on a re-run also the same previous option).
Every constraint and every objective level of the model treats such households
identically, so the model can count how many of each type go to each option
instead of deciding household by household (exact, not a heuristic;
`allocatie.model.decodeer.maak_tabellen` hands the counts back out deterministically).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocatie.model.vastlegging import analyseer_vastleggingen, vastleggingmasker
from allocatie.ronde.instance import Instance

#: Hard criteria based on a gemeente the household is tied to: (column, criterion, limit).
ANKER_CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("werk_gemeente", "werk", "werk_min"),
    ("studie_gemeente", "studie", "studie_min"),
    ("familie_gemeente", "familie", "familie_min"),
    ("zorg_gemeente", "zorg", "zorg_min"),
)


@dataclass(frozen=True)
class Paren:
    """Admissible pairs, sorted by household then option.

    Attributes
    ----------
    h, o
        Household and option positions of each pair.
    kosten
        Total cost of each pair (the ``kosten`` objective level).
    kostendelen
        Named cost terms per pair (``werk``, ``studie``, ``coa_regio``,
        ``flex``), summing to ``kosten``: the explanation of a placement.
    reistijd_min
        Per anchor column (``werk_gemeente``, ...): travel time in minutes from
        each pair's option to the household's anchor gemeente, in the
        household's mode; NaN where it has none.
    """

    h: np.ndarray
    o: np.ndarray
    kosten: np.ndarray
    kostendelen: dict[str, np.ndarray]
    reistijd_min: dict[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.h.shape[0])


def optie_gemeente(inst: Instance) -> np.ndarray:
    """Position in ``gemeenten`` of each option's gemeente."""
    gidx = inst.gemeente_index
    return np.array([gidx[c] for c in inst.opties["gemeente_code"]], dtype=np.int64)


def anker_index(inst: Instance, kolom: str) -> np.ndarray:
    """Position of each household's anchor gemeente in ``kolom``; -1 where empty."""
    gidx = inst.gemeente_index
    return np.array([gidx.get(c, -1) for c in inst.huishoudens[kolom]], dtype=np.int64)


def reistijd_per_paar(inst: Instance, h: np.ndarray, o: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Minutes from option ``o[i]`` to gemeente ``a[i]`` in household ``h[i]``'s mode.

    NaN where ``a[i] < 0`` (the household has no such anchor).
    """
    uit = np.full(len(h), np.nan)
    heeft = np.flatnonzero(a >= 0)
    if len(heeft):
        vervoer = inst.huishoudens["vervoer"].to_numpy(object)[h[heeft]]
        for modus, reistijden in inst.reistijden.items():
            m = heeft[vervoer == modus]
            uit[m] = reistijden.optie_gemeente[o[m], a[m]]
    return uit


def coa_vrijgesteld(inst: Instance) -> np.ndarray:
    """Per household: a hard anchor criterion lies outside the azc's COA-regio.

    The hard COA-regio rule (``[criteria] coa_regio``) keeps a household in the
    COA-regio of its azc *unless a criterion says otherwise*: when the gemeente
    of an anchor whose criterion the preset enforces (werk, studie, familie,
    zorg) lies in another COA-regio, that anchor decides where the household may
    live and the COA-regio rule does not apply to it.
    """
    pr = inst.preset
    coa = inst.gemeenten["coa_regio"].to_numpy(object)
    azc = coa[anker_index(inst, "azc_gemeente")]
    vrij = np.zeros(inst.n_huishoudens, dtype=bool)
    for kolom, crit, _ in ANKER_CRITERIA:
        if getattr(pr.criteria, crit):
            a = anker_index(inst, kolom)
            vrij |= (a >= 0) & (coa[np.maximum(a, 0)] != azc)
    return vrij


def criteriummaskers(
    inst: Instance, huishoudens: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Household x option matrices, one per hard criterion, in the model's order.

    ``grootte`` (size class, open units, person capacity), ``beschikbaarheid``
    and each anchor criterion (``werk``, ``studie``, ``familie``, ``zorg``) of
    the preset, then ``coa_regio`` (stay in the azc's COA-regio, `coa_vrijgesteld`)
    when the preset makes it hard; criteria the preset switches off are absent.
    Last comes ``vastlegging`` (the locks and bans set by hand,
    `allocatie.model.vastlegging.vastleggingmasker`) when the round has any.
    Their conjunction is `toelaatbaar`; explanations use them one by one.

    Parameters
    ----------
    inst
        The round.
    huishoudens
        Positions of the households to compute rows for (default: all, in order).
    """
    hh, op, pr = inst.huishoudens, inst.opties, inst.preset
    rij = np.arange(len(hh)) if huishoudens is None else np.asarray(huishoudens, dtype=np.int64)
    n_h, n_o = len(rij), len(op)
    ruimte = hh["ruimte"].to_numpy(np.int64)[rij, None]
    maskers: dict[str, np.ndarray] = {
        "grootte": (
            (op["min_personen"].to_numpy(np.int64)[None, :] <= ruimte)
            & (ruimte <= op["max_personen"].to_numpy(np.int64)[None, :])
            & (op["eenheden"].to_numpy(np.int64)[None, :] > 0)
            & (ruimte <= op["capaciteit_personen"].to_numpy(np.int64)[None, :])
        )
    }
    if pr.criteria.beschikbaarheid:
        vanaf = op["beschikbaar_vanaf"].to_numpy("datetime64[D]")
        tot = op["beschikbaar_tot"].to_numpy("datetime64[D]")
        gereed = hh["gereed_datum"].to_numpy("datetime64[D]")[rij]
        eind = np.datetime64(inst.periode.eind, "D")
        intrek = np.maximum(gereed[:, None], vanaf[None, :])
        ok = (vanaf[None, :] <= inst.deadline()[rij, None]) & (vanaf <= eind)[None, :]
        maskers["beschikbaarheid"] = ok & (np.isnat(tot)[None, :] | (tot[None, :] > intrek))
    og = optie_gemeente(inst)
    vervoer = hh["vervoer"].to_numpy(object)[rij]
    personen = hh["personen"].to_numpy(np.int64)[rij]
    for kolom, crit, limiet in ANKER_CRITERIA:
        if not getattr(pr.criteria, crit):
            continue
        ok = np.ones((n_h, n_o), dtype=bool)
        a = anker_index(inst, kolom)[rij]
        grens = pr.limieten.minuten(limiet, vervoer, personen) + 1e-9
        for modus, reistijden in inst.reistijden.items():
            sel = (a >= 0) & (vervoer == modus)
            if not sel.any():
                continue
            binnen = reistijden.optie_gemeente[:, a[sel]].T <= grens[sel][:, None]
            ok[sel] = binnen | (og[None, :] == a[sel][:, None])
        maskers[crit] = ok
    if pr.criteria.coa_regio:
        coa = inst.gemeenten["coa_regio"].to_numpy(object)
        azc = coa[anker_index(inst, "azc_gemeente")[rij]]
        maskers["coa_regio"] = (coa[og][None, :] == azc[:, None]) | coa_vrijgesteld(inst)[rij, None]
    vast = vastleggingmasker(inst)
    if vast is not None:
        maskers["vastlegging"] = vast[rij]
    return maskers


def toelaatbaar(inst: Instance) -> np.ndarray:
    """Boolean household x option matrix of admissible pairs: every criterion holds."""
    maskers = iter(criteriummaskers(inst).values())
    ok = next(maskers).copy()
    for masker in maskers:
        ok &= masker
    return ok


def bouw_paren(inst: Instance) -> Paren:
    """All admissible pairs with their cost terms."""
    h, o = np.nonzero(toelaatbaar(inst))
    kp = inst.preset.kosten
    personen = inst.huishoudens["personen"].to_numpy(float)
    tijd = {
        kolom: reistijd_per_paar(inst, h, o, anker_index(inst, kolom)[h])
        for kolom, _, _ in ANKER_CRITERIA
    }
    coa = inst.gemeenten["coa_regio"].to_numpy(object)
    azc = anker_index(inst, "azc_gemeente")[h]
    buiten = coa[optie_gemeente(inst)[o]] != coa[azc]
    flex = (inst.opties["soort"].to_numpy(object) == "flex")[o]
    delen = {
        "werk": kp.per_minuut_werk * np.nan_to_num(tijd["werk_gemeente"]),
        "studie": kp.per_minuut_studie * np.nan_to_num(tijd["studie_gemeente"]),
        "coa_regio": kp.buiten_coa_regio_per_persoon * personen[h] * buiten,
        "flex": kp.flex_per_persoon * personen[h] * flex,
    }
    # Term by term in this order (what np.sum over the stacked terms did), without the copy.
    kosten = np.zeros(len(h))
    for deel in delen.values():
        kosten = kosten + deel
    return Paren(h=h, o=o, kosten=kosten, kostendelen=delen, reistijd_min=tijd)


#: Formulations of the model: counts per household type (default) or one binary per pair.
FORMULERINGEN: tuple[str, ...] = ("types", "huishoudens")


@dataclass(frozen=True)
class Typen:
    """Households grouped into types of interchangeable households.

    Types are numbered by their representative (the lowest household position
    of the type), ascending. The type pairs are the representative's pairs
    (every member has the same ones, at the same cost), sorted by type then
    option.

    Attributes
    ----------
    type_van
        Type of each household.
    aantal
        Number of households of each type (``n_t``).
    vertegenwoordiger
        Lowest household position of each type.
    t, o
        Type and option position of each type pair.
    kosten
        Cost of each type pair (equal for every member of the type).
    paar
        Position in `Paren` of the representative's pair of each type pair.
    """

    type_van: np.ndarray
    aantal: np.ndarray
    vertegenwoordiger: np.ndarray
    t: np.ndarray
    o: np.ndarray
    kosten: np.ndarray
    paar: np.ndarray

    def __len__(self) -> int:
        return int(self.aantal.shape[0])

    @property
    def n_paren(self) -> int:
        """Number of type pairs (columns of the model's ``x`` family)."""
        return int(self.t.shape[0])


def _meng(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: a well-mixed 64-bit hash of each ``uint64``."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _paarhash(o: np.ndarray, kosten: np.ndarray) -> np.ndarray:
    """Two independent 64-bit hashes of each (option, exact cost bits) pair, shape (P, 2).

    Only a fast pre-grouping: `bouw_typen` checks every grouping exactly.
    """
    # + 0.0 maps -0.0 to 0.0: equal costs get equal bits.
    bits = (np.asarray(kosten, dtype=np.float64) + 0.0).view(np.uint64)
    oo = np.asarray(o).astype(np.uint64)
    a = _meng(oo * np.uint64(0x9E3779B97F4A7C15) ^ bits)
    b = _meng(_meng(oo + np.uint64(0x632BE59BD9B4E019)) ^ (bits * np.uint64(0xD6E8FEB86659FD93)))
    return np.stack([a, b], axis=1)


def _per_huishouden(paren: Paren, n_huishoudens: int) -> Typen:
    """Every household its own type (the per-household formulation)."""
    h = np.arange(n_huishoudens, dtype=np.int64)
    return Typen(
        type_van=h,
        aantal=np.ones(n_huishoudens, dtype=np.int64),
        vertegenwoordiger=h,
        t=paren.h.astype(np.int64),
        o=paren.o.astype(np.int64),
        kosten=paren.kosten,
        paar=np.arange(len(paren), dtype=np.int64),
    )


def _nummer_op_eerste(label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Renumber labels by their first position: (new label per item, first position per label)."""
    _, eerste, inverse = np.unique(label, return_index=True, return_inverse=True)
    volgorde = np.argsort(eerste, kind="stable")
    nieuw = np.empty_like(volgorde)
    nieuw[volgorde] = np.arange(len(volgorde))
    return nieuw[inverse.reshape(-1)], eerste[volgorde]


def bouw_typen(
    inst: Instance,
    paren: Paren,
    formulering: str = "types",
    vast: np.ndarray | None = None,
    *,
    kosten: bool = True,
    vorige: np.ndarray | None = None,
) -> Typen:
    """Group the households of ``inst`` into types of interchangeable households.

    Two households are interchangeable when they have the same ``personen``,
    the same ``ruimte`` (``personen + nareizigers``), the same admissible
    options and exactly the same cost (bit for bit) on each of them: then
    every row and every objective level of `allocatie.model.bouw.bouw_model`
    treats them alike. A household whose lock is fixed (``vast``) is never
    grouped with one that is not, so that a type's ``onbediend`` can be fixed
    at 0 for exactly the fixed households (`allocatie.model.vastlegging`). On
    a re-run, households must also share their previous option (``vorige``).

    Households are pre-grouped on a 128-bit hash of their pairs (vectorised,
    linear in the number of pairs) and every member is then compared pair by
    pair with its type's representative; a member that differs (a hash
    collision) becomes a type of its own. The grouping is therefore exact.

    Parameters
    ----------
    inst
        The round.
    paren
        Its admissible pairs (`bouw_paren`), sorted by household then option.
    formulering
        ``"types"`` (group) or ``"huishoudens"`` (every household its own type).
    vast
        Per household: its lock is fixed; by default computed with
        `allocatie.model.vastlegging.analyseer_vastleggingen`.
    kosten
        True (default): costs are part of the key. False: *coarse* types for
        the objective levels that do not look at pair costs (``onbediend``,
        ``tekort``, ``eerlijkheid``, ``overvulling``): households with the same
        size and the same admissible options are one type whatever their
        costs, and the type pairs carry cost 0. Every coarse type is a union
        of (fine) types, so a coarse solution splits into a fine one
        (`allocatie.model.bouw.verfijn`) with the same value on those levels.
    vorige
        Per household, on a re-run (`allocatie.invoer.vorige`): the option where it
        can stay (its previous option, when still admissible), -1 without a
        previous placement, -2 when it cannot stay. Part of the key, fine and
        coarse alike: the ``stabiliteit`` level counts a household that leaves
        its previous option, so only households with the same previous option
        are interchangeable, and every coarse type stays a union of fine types.

    Returns
    -------
    Typen
        Types numbered by their lowest household position.

    Raises
    ------
    ValueError
        On an unknown ``formulering``.
    """
    if formulering not in FORMULERINGEN:
        raise ValueError(f"onbekende formulering {formulering!r}; kies uit {FORMULERINGEN}")
    H = inst.n_huishoudens
    if formulering == "huishoudens" or H == 0:
        return _per_huishouden(paren, H)
    h = paren.h.astype(np.int64)
    n = np.bincount(h, minlength=H).astype(np.int64)
    begin = np.concatenate([[0], np.cumsum(n)[:-1]]).astype(np.int64)
    # Sum of the pair hashes per household (wrapping uint64; the options of one
    # household are distinct, so this hashes its set of (option, cost) pairs).
    pk = paren.kosten if kosten else np.zeros(len(paren))
    som = np.vstack([np.zeros((1, 2), np.uint64), np.cumsum(_paarhash(paren.o, pk), 0)])
    hash_h = som[begin + n] - som[begin]
    personen = inst.huishoudens["personen"].to_numpy(np.int64)
    ruimte = inst.huishoudens["ruimte"].to_numpy(np.int64)
    if vast is None:
        vast = (
            analyseer_vastleggingen(inst, criteriummaskers(inst)).vast
            if len(inst.vastleggingen)
            else np.zeros(H, dtype=bool)
        )
    vlag = np.asarray(vast, dtype=bool)
    blijf = np.full(H, -1, dtype=np.int64) if vorige is None else np.asarray(vorige, np.int64)
    sleutel = np.column_stack(
        [
            personen.astype(np.uint64),
            ruimte.astype(np.uint64),
            n.astype(np.uint64),
            vlag.astype(np.uint64),
            (blijf + 2).astype(np.uint64),
            hash_h,
        ]
    )
    _, inverse = np.unique(sleutel, axis=0, return_inverse=True)
    type_van, vert = _nummer_op_eerste(inverse.reshape(-1))

    # Exact check: pair k of every member equals pair k of its representative.
    r = vert[type_van]
    p = np.arange(len(paren), dtype=np.int64)
    partner = begin[r[h]] + (p - begin[h])
    anders = paren.o != paren.o[partner]
    if kosten:
        anders |= paren.kosten != paren.kosten[partner]
    fout = np.zeros(H, dtype=bool)
    fout[h[anders]] = True
    fout |= (personen != personen[r]) | (ruimte != ruimte[r]) | (n != n[r]) | (vlag != vlag[r])
    fout |= blijf != blijf[r]
    if fout.any():
        label = type_van.copy()
        label[fout] = len(vert) + np.arange(int(fout.sum()))
        type_van, vert = _nummer_op_eerste(label)

    aantal = np.bincount(type_van, minlength=len(vert)).astype(np.int64)
    lengte = n[vert]
    q_begin = np.concatenate([[0], np.cumsum(lengte)[:-1]]).astype(np.int64)
    t = np.repeat(np.arange(len(vert), dtype=np.int64), lengte)
    paar = begin[vert][t] + (np.arange(len(t), dtype=np.int64) - q_begin[t])
    return Typen(
        type_van=type_van,
        aantal=aantal,
        vertegenwoordiger=vert.astype(np.int64),
        t=t,
        o=paren.o[paar].astype(np.int64),
        kosten=paren.kosten[paar] if kosten else np.zeros(len(paar)),
        paar=paar,
    )

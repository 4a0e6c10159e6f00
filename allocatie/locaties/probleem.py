"""The location-choice problem in plain arrays, validated once (`Locatieprobleem`).

A problem has demand points ``i`` (gemeenten with a weight: inhabitants or
expected clients), candidate sites ``j`` (each with an id, a gemeente, an
optional capacity and whether it is fixed open) and a travel-time matrix
``minuten[i, j]``. It is the core's input, whatever the spatial adapter
(`allocatie.locaties.invoer`) or an analyst built it from: the same split as
spopt's ``from_cost_matrix`` beside ``from_geodataframe``.

Examples
--------
>>> import numpy as np
>>> p = Locatieprobleem(
...     vraag_codes=("GM0001", "GM0002"), vraag_namen=("A", "B"),
...     gewicht=np.array([10.0, 5.0]),
...     kandidaat_ids=("L1", "L2"), kandidaat_namen=("A", "B"),
...     kandidaat_gemeenten=("GM0001", "GM0002"),
...     minuten=np.array([[5.0, 30.0], [30.0, 5.0]]),
... )
>>> p.n_vraag, p.n_kandidaten, p.totale_vraag
(2, 2, 15.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from allocatie.kern.errors import ConfiguratieFout, InvoerFout

__all__ = ["MODELLEN", "TOEWIJZINGEN", "Locatieprobleem", "Modelkeuze"]

#: The three models: p-median, capacitated facility location, maximal coverage.
MODELLEN: tuple[str, ...] = ("pmediaan", "capaciteit", "dekking")
#: How demand is assigned in the capacitated model: one site per gemeente, or split.
TOEWIJZINGEN: tuple[str, ...] = ("enkelvoudig", "splitsbaar")


@dataclass(frozen=True)
class Locatieprobleem:
    """Demand points, candidate sites and the travel times between them.

    Attributes
    ----------
    vraag_codes, vraag_namen
        Gemeente code and name of each demand point (``I`` of them).
    gewicht
        Demand weight of each point, shape ``(I,)``, finite and ``>= 0``.
    kandidaat_ids, kandidaat_namen, kandidaat_gemeenten
        Id, name and gemeente code of each candidate site (``J`` of them).
    minuten
        Travel time from demand point ``i`` to site ``j``, shape ``(I, J)``.
    capaciteit
        Capacity of each site in units of the weight, shape ``(J,)``; ``inf``
        for no limit. Only the capacitated model reads it.
    vast
        Sites forced open, boolean ``(J,)``.
    x, y
        Site coordinates in RD metres (for the map), or None.
    bron
        Where the travel times come from (for reports).
    """

    vraag_codes: tuple[str, ...]
    vraag_namen: tuple[str, ...]
    gewicht: np.ndarray
    kandidaat_ids: tuple[str, ...]
    kandidaat_namen: tuple[str, ...]
    kandidaat_gemeenten: tuple[str, ...]
    minuten: np.ndarray
    capaciteit: np.ndarray = field(default_factory=lambda: np.zeros(0))
    vast: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    x: np.ndarray | None = None
    y: np.ndarray | None = None
    bron: str = "reistijdmatrix"

    def __post_init__(self) -> None:
        i_n, j_n = len(self.vraag_codes), len(self.kandidaat_ids)
        if i_n == 0:
            raise InvoerFout("geen vraagpunten: de vraagtabel heeft geen gemeenten", bestand=None)
        if j_n == 0:
            raise InvoerFout("geen kandidaatlocaties opgegeven")
        for naam, waarden in (("vraag_namen", self.vraag_namen),):
            if len(waarden) != i_n:
                raise ValueError(f"{naam} must have {i_n} entries")
        for naam, waarden in (
            ("kandidaat_namen", self.kandidaat_namen),
            ("kandidaat_gemeenten", self.kandidaat_gemeenten),
        ):
            if len(waarden) != j_n:
                raise ValueError(f"{naam} must have {j_n} entries")
        if len(set(self.kandidaat_ids)) != j_n:
            raise ValueError("kandidaat_ids must be unique")
        if len(set(self.vraag_codes)) != i_n:
            raise ValueError("vraag_codes must be unique")
        w = np.asarray(self.gewicht, dtype=float)
        if w.shape != (i_n,) or not np.isfinite(w).all() or (w < 0).any():
            raise ValueError("gewicht must be finite, >= 0, one per demand point")
        t = np.asarray(self.minuten, dtype=float)
        if t.shape != (i_n, j_n) or not np.isfinite(t).all() or (t < 0).any():
            raise ValueError(f"minuten must be a finite (I, J) = ({i_n}, {j_n}) matrix >= 0")
        cap = np.asarray(self.capaciteit, dtype=float)
        if cap.size == 0:
            cap = np.full(j_n, np.inf)
        if cap.shape != (j_n,) or np.isnan(cap).any() or (cap < 0).any():
            raise ValueError("capaciteit must be >= 0 (inf: no limit), one per site")
        vast = np.asarray(self.vast, dtype=bool)
        if vast.size == 0:
            vast = np.zeros(j_n, dtype=bool)
        if vast.shape != (j_n,):
            raise ValueError("vast must hold one flag per site")
        object.__setattr__(self, "gewicht", w)
        object.__setattr__(self, "minuten", t)
        object.__setattr__(self, "capaciteit", cap)
        object.__setattr__(self, "vast", vast)

    @property
    def n_vraag(self) -> int:
        """Number of demand points."""
        return len(self.vraag_codes)

    @property
    def n_kandidaten(self) -> int:
        """Number of candidate sites."""
        return len(self.kandidaat_ids)

    @property
    def totale_vraag(self) -> float:
        """Sum of the demand weights."""
        return float(self.gewicht.sum())

    def posities(self, ids: list[str] | tuple[str, ...], *, bron: str, kolom: str) -> np.ndarray:
        """Positions of the site ids ``ids``; an unknown or repeated id is an `InvoerFout`."""
        index = {s: j for j, s in enumerate(self.kandidaat_ids)}
        uit: list[int] = []
        for s in ids:
            if s not in index:
                raise InvoerFout(
                    "onbekende locatie: staat niet tussen de kandidaten",
                    bestand=bron,
                    kolom=kolom,
                    waarde=s,
                )
            if index[s] in uit:
                raise InvoerFout("locatie twee keer genoemd", bestand=bron, kolom=kolom, waarde=s)
            uit.append(index[s])
        return np.array(sorted(uit), dtype=np.int64)


@dataclass(frozen=True)
class Modelkeuze:
    """Which model and its parameters.

    Attributes
    ----------
    model
        ``"pmediaan"``, ``"capaciteit"`` or ``"dekking"`` (`MODELLEN`).
    k
        Number of sites to open, fixed sites included.
    limiet_min
        Travel-time limit in minutes: required for ``"dekking"`` (a gemeente
        counts as covered within it); for the other models only reported
        (the share of demand within it).
    toewijzing
        Capacitated model only: ``"enkelvoudig"`` (every gemeente to one site,
        the default) or ``"splitsbaar"`` (a gemeente's demand may be split).
    tweede_niveau
        Coverage model only: among the sets with maximal coverage, take one with
        the least weighted travel time (a second, p-median level that holds the
        coverage of the first).
    """

    model: str = "pmediaan"
    k: int = 1
    limiet_min: float | None = None
    toewijzing: str = "enkelvoudig"
    tweede_niveau: bool = False

    def __post_init__(self) -> None:
        if self.model not in MODELLEN:
            raise ConfiguratieFout(
                f"onbekend model; kies uit {', '.join(MODELLEN)}",
                kolom="--model",
                waarde=self.model,
            )
        if self.toewijzing not in TOEWIJZINGEN:
            raise ConfiguratieFout(
                f"onbekende toewijzing; kies uit {', '.join(TOEWIJZINGEN)}",
                kolom="--toewijzing",
                waarde=self.toewijzing,
            )
        if isinstance(self.k, bool) or not isinstance(self.k, int) or self.k < 1:
            raise ConfiguratieFout("verwacht een geheel getal >= 1", kolom="--k", waarde=self.k)
        lim = self.limiet_min
        if lim is not None and (not math.isfinite(lim) or lim < 0):
            raise ConfiguratieFout(
                "verwacht een eindig getal >= 0 (minuten)", kolom="--limiet", waarde=lim
            )
        if self.model == "dekking" and lim is None:
            raise ConfiguratieFout(
                "het model 'dekking' heeft een reistijdlimiet nodig (--limiet MINUTEN)",
                kolom="--limiet",
            )

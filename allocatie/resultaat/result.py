"""The frozen `AllocationResult`: placements and per-gemeente / per-option tables.

The tables are decoded from a solution by the model's decoder
(`allocatie.model.decodeer`): built from the chosen pairs alone, so that what is
reported is what the placements imply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from allocatie.invoer.vorige import VorigeUitkomst
from allocatie.model.onhaalbaar import lege_onhaalbaar
from allocatie.resultaat.ruil import lege_ruilingen
from allocatie.solvers.base import Status

#: Columns of `AllocationResult.verschuivingen` (see `allocatie.resultaat.verschuiving`), in order.
VERSCHUIVING_KOLOMMEN: tuple[str, ...] = (
    "huishouden_id",
    "personen",
    "soort",
    "vorige_optie",
    "vorige_gemeente",
    "nieuwe_optie",
    "nieuwe_gemeente",
    "telt_mee",
    "reden",
)


def lege_verschuivingen() -> pd.DataFrame:
    """An empty `AllocationResult.verschuivingen` table (no previous outcome, or nothing moved)."""
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in VERSCHUIVING_KOLOMMEN})


@dataclass(frozen=True)
class NiveauUitkomst:
    """One lexicographic objective level as solved.

    Attributes
    ----------
    naam
        Level name (``onbediend``, ``tekort``, ...).
    status
        Solver status of this level.
    waarde
        The level's objective at the solver's solution of this level.
    grens
        Proven lower bound of this level (None if the solver gave none).
    gap
        ``|waarde - grens| / max(1, |waarde|)``.
    vastgehouden
        The upper limit this level was held at for the later levels.
    tijd_s
        Wall time of this level's solve.
    klok
        The wall-clock limit (the safety net, not the work budget) cut a solve
        of this level short: another run may end elsewhere.
    """

    naam: str
    status: Status
    waarde: float | None
    grens: float | None
    gap: float | None
    vastgehouden: float | None
    tijd_s: float
    klok: bool = False

    @property
    def gap_absoluut(self) -> float | None:
        """``waarde - grens`` (the gap of a min-max level in its own units), or None."""
        if self.waarde is None or self.grens is None:
            return None
        return max(0.0, self.waarde - self.grens)


@dataclass(frozen=True)
class AllocationResult:
    """A solved (or best-found) allocation of one round.

    Attributes
    ----------
    status
        ``OPTIMAAL`` when every level was solved to the gap; ``WERKBUDGET``
        when a level used up its work budget with its gap open (reproducible);
        ``TIJDSLIMIET`` when the time limit cut a level short (not
        reproducible, see ``reproduceerbaar``); ``GEEN_OPLOSSING`` when the
        first level found none.
    backend, solver
        Backend name and solver version string.
    niveaus
        The levels in the order they were solved.
    doelwaarden
        Each level's value recomputed from the placements.
    plaatsingen
        One row per placed household with option, gemeente and cost terms.
    onbediend
        One row per household not placed, with the number of admissible options.
    per_gemeente
        Need, placed persons, shortfall, over-fulfilment and the carry-over saldo.
        With taakstelling swaps (preset ``[ruil]``): ``ruil_af`` (persons of the
        opgave handed to other gemeenten), ``ruil_bij`` (taken over) and
        ``opgave_na_ruil``, which shortfall, over-fulfilment and saldo are
        measured against (both 0 without swaps).
    per_optie
        Units and persons used per option.
    wall_s, bouw_s
        Total wall time and model build time (seconds).
    modelgrootte
        Counts of household pairs (``paren``), household types (``types``), type
        pairs (``typeparen``, the ``x`` columns), variables, integer variables,
        rows and non-zeros.
    signalen
        Diagnostics visible before solving (Dutch sentences with numbers).
    formulering
        The model formulation solved: ``"types"`` (counts per type of
        interchangeable households, the default) or ``"huishoudens"`` (one
        binary per household and option).
    onhaalbaar
        One row per household without any admissible option: the smallest set
        of hard criteria that conflict, with the number of options each allows
        (`allocatie.model.onhaalbaar.diagnoseer_onhaalbaar`). Those households
        are unplaced; the rest of the round is solved.
    vorige
        The previous outcome of a re-run (`allocatie.invoer.vorige`), or None.
    verschuivingen
        On a re-run: one row per household whose placement differs from
        ``vorige``, with the old and new option and the reason in Dutch
        (`allocatie.resultaat.verschuiving.verklaar_verschuivingen`); empty otherwise.
    ruilingen
        With taakstelling swaps: one row per (giver, taker) pair within a
        region, from the net swaps per gemeente (`allocatie.resultaat.ruil.ruilparen`);
        empty otherwise.
    reproduceerbaar
        True when every solve ran to its own work budget (`SolverOpties.inspanning`):
        the same input, options and package versions then give the same
        allocation on any machine load. False when the wall-clock limit (the
        safety net) cut in somewhere (see `NiveauUitkomst.klok`).
    strategie
        Dutch sentences on how the levels were solved where that differs from
        the default strategy (e.g. a backend without an LP interface: every
        level one plain MIP).
    opties
        The solver options actually used (backend, limits, gap, threads, seed,
        inspanning), as plain values.
    """

    status: Status
    backend: str
    solver: str
    niveaus: tuple[NiveauUitkomst, ...]
    doelwaarden: dict[str, float]
    plaatsingen: pd.DataFrame
    onbediend: pd.DataFrame
    per_gemeente: pd.DataFrame
    per_optie: pd.DataFrame
    wall_s: float
    bouw_s: float
    modelgrootte: dict[str, int] = field(default_factory=dict)
    signalen: tuple[str, ...] = ()
    formulering: str = "types"
    onhaalbaar: pd.DataFrame = field(default_factory=lege_onhaalbaar)
    vorige: VorigeUitkomst | None = None
    verschuivingen: pd.DataFrame = field(default_factory=lege_verschuivingen)
    ruilingen: pd.DataFrame = field(default_factory=lege_ruilingen)
    reproduceerbaar: bool = True
    strategie: tuple[str, ...] = ()
    opties: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        """Short: status, each level's value, placed and unplaced, reproducibility."""
        niveaus = ", ".join(
            f"{n.naam}={'-' if n.waarde is None else f'{n.waarde:.6g}'}" for n in self.niveaus
        )
        pl, onb = self.plaatsingen, self.onbediend
        return (
            f"<AllocationResult status={self.status.value} niveaus=[{niveaus}] "
            f"geplaatst={len(pl)} huishoudens/{int(pl['personen'].sum())} personen "
            f"onbediend={len(onb)} huishoudens/{int(onb['personen'].sum())} personen "
            f"tekort={int(self.per_gemeente['tekort'].sum())} "
            f"reproduceerbaar={self.reproduceerbaar}"
            + (
                ""
                if self.vorige is None
                else f" verschuivingen={self._stabiliteit()['verschuivingen']}"
            )
            + ">"
        )

    @property
    def grens(self) -> float | None:
        """Bound of the last solved level (the level whose gap is reported)."""
        return self.niveaus[-1].grens if self.niveaus else None

    @property
    def gap(self) -> float | None:
        """Largest relative gap over the solved levels (None if any is unknown)."""
        gaps = [n.gap for n in self.niveaus]
        return (
            None
            if not gaps or any(g is None for g in gaps)
            else max(g for g in gaps if g is not None)
        )

    def samenvatting(self) -> dict[str, Any]:
        """A machine-readable summary (plain JSON types)."""
        g = self.per_gemeente
        return {
            "status": self.status.value,
            "backend": self.backend,
            "solver": self.solver,
            "wall_s": round(self.wall_s, 3),
            "bouw_s": round(self.bouw_s, 3),
            "gap": self.gap,
            "reproduceerbaar": self.reproduceerbaar,
            "strategie": list(self.strategie),
            "opties": dict(self.opties),
            "niveaus": [
                {
                    "naam": n.naam,
                    "status": n.status.value,
                    "waarde": n.waarde,
                    "grens": n.grens,
                    "gap": n.gap,
                    "gap_absoluut": n.gap_absoluut,
                    "vastgehouden": n.vastgehouden,
                    "tijd_s": round(n.tijd_s, 3),
                    "klok": n.klok,
                }
                for n in self.niveaus
            ],
            "doelwaarden": {k: float(v) for k, v in self.doelwaarden.items()},
            "aantallen": {
                "huishoudens_geplaatst": len(self.plaatsingen),
                "personen_geplaatst": int(self.plaatsingen["personen"].sum()),
                "huishoudens_onbediend": len(self.onbediend),
                "personen_onbediend": int(self.onbediend["personen"].sum()),
                "opgave": int(g["opgave"].sum()),
                "tekort": int(g["tekort"].sum()),
                "overvulling": int(g["overvulling"].sum()),
                # Persons of the taakstelling handed over (only when swaps are on).
                **({"geruild": int(g["ruil_af"].sum())} if "ruil" in self.doelwaarden else {}),
            },
            "formulering": self.formulering,
            "modelgrootte": dict(self.modelgrootte),
            "signalen": list(self.signalen),
            "onhaalbaar": [
                {"huishouden_id": str(r.huishouden_id), "criteria": str(r.criteria)}
                for r in self.onhaalbaar.itertuples(index=False)
            ],
            **({} if self.vorige is None else {"stabiliteit": self._stabiliteit()}),
            "per_gemeente": [
                {k: (v.item() if hasattr(v, "item") else v) for k, v in rij.items()}
                for rij in g.to_dict(orient="records")
            ],
        }

    def _stabiliteit(self) -> dict[str, Any]:
        """Counts of the moves against the previous outcome, by kind, for the summary."""
        v = self.verschuivingen
        soort = v["soort"].value_counts()
        return {
            "vorige_uitkomst": None if self.vorige is None else self.vorige.bron,
            "verschuivingen": int(v["telt_mee"].astype(bool).sum()),
            **{str(k): int(n) for k, n in soort.items()},
        }

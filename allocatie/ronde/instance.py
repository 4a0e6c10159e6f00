"""The validated, frozen `Instance` of one allocation round.

An `Instance` is built only by `allocatie.invoer.validate.valideer` (or the loaders
that call it). Its tables are typed and checked; treat them as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from allocatie.kern.periode import Periode
from allocatie.ronde.presets import ModelPreset
from allocatie.solvers.base import SolverOpties

__all__ = [
    "REGIOSOORTEN",
    "VASTLEGGING_KOLOMMEN",
    "Instance",
    "Periode",
    "Reistijden",
    "lege_vastleggingen",
]

#: Columns of `Instance.vastleggingen`, in order.
VASTLEGGING_KOLOMMEN: tuple[str, ...] = (
    "huishouden_id",
    "aanbod_id",
    "gemeente_code",
    "soort",
    "toelichting",
)


#: Region kind (``regiocapaciteit.regio_soort``) -> the column of `Instance.gemeenten`
#: that holds each gemeente's region of that kind.
REGIOSOORTEN: dict[str, str] = {
    "provincie": "provincie_code",
    "arbeidsmarktregio": "arbeidsmarktregio_code",
    "coa_regio": "coa_regio",
}


def lege_vastleggingen() -> pd.DataFrame:
    """An empty, typed `Instance.vastleggingen` table."""
    return pd.DataFrame({k: pd.Series([], dtype=object) for k in VASTLEGGING_KOLOMMEN})


@dataclass(frozen=True)
class Reistijden:
    """Travel times (minutes) of one mode, aligned with the gemeenten and options.

    Attributes
    ----------
    modus
        ``"auto"`` or ``"ov"``.
    gemeente_gemeente
        Shape ``(G, G)``: from gemeente ``i`` to gemeente ``j``.
    optie_gemeente
        Shape ``(O, G)``: from option ``o`` to gemeente ``j``.
    bron
        ``"schatting"`` or the path of the origin-destination file.
    """

    modus: str
    gemeente_gemeente: np.ndarray
    optie_gemeente: np.ndarray
    bron: str = field(default="schatting")


@dataclass(frozen=True)
class Instance:
    """One validated allocation round.

    Attributes
    ----------
    naam
        Round name.
    periode
        The half-year.
    gemeenten
        One row per gemeente: ``gemeente_code, gemeente_naam, provincie_code,
        arbeidsmarktregio_code, coa_regio, inwoners, x, y`` (representative
        point, RD metres), ``taakstelling, achterstand, voorsprong,
        gerealiseerd, gecorrigeerd``, ``opgave`` (remaining need in persons,
        ``max(0, gecorrigeerd - gerealiseerd)``) and ``aanbod_personen`` (the
        most persons the gemeente's own options can take).
    huishoudens
        One row per household: ``huishouden_id, personen, nareizigers,
        ruimte`` (persons + nareizigers: the room the home must offer),
        ``azc_gemeente, gereed_datum, werk_gemeente, studie_gemeente,
        familie_gemeente, zorg_gemeente`` (``""`` when absent) and ``vervoer``
        (``ov`` | ``auto``: the mode its travel times are measured in).
    opties
        One row per housing option (regular homes of one size class in one
        gemeente, or one flexible site): ``aanbod_id, soort`` (``regulier`` |
        ``flex``), ``naam, gemeente_code, x, y, min_personen, max_personen,
        eenheden_totaal, eenheden`` (units open to vergunninghouders),
        ``max_per_eenheid, capaciteit_personen, max_aandeel_vh,
        beschikbaar_vanaf, beschikbaar_tot``.
    regiocapaciteit
        ``regio_soort, regio_code, max_personen`` (possibly empty).
    preset, solver
        Model preset and solver options.
    reistijden
        Per mode (``ov``, ``auto``): option x gemeente and gemeente x gemeente
        travel times in minutes, from the round's origin-destination table or
        estimated from the geometry (`allocatie.spatial.reistijd`).
    grenzen
        Gemeente polygons (EPSG:28992) aligned with ``gemeenten``, if given.
    vastleggingen
        Locks and bans set by hand, one row each: ``huishouden_id``,
        ``aanbod_id`` (``""`` for a lock or ban on a whole gemeente),
        ``gemeente_code`` (always filled: the option's gemeente when
        ``aanbod_id`` is given), ``soort`` (``vast``: the household must go
        there; ``verbod``: never there) and ``toelichting`` (free text, for the
        report). Empty when the round has none.
    bronnen, hashes
        Source of each table and the SHA-256 of each file read.
    """

    naam: str
    periode: Periode
    gemeenten: pd.DataFrame
    huishoudens: pd.DataFrame
    opties: pd.DataFrame
    regiocapaciteit: pd.DataFrame
    preset: ModelPreset
    solver: SolverOpties
    reistijden: dict[str, Reistijden] = field(default_factory=dict)
    grenzen: gpd.GeoSeries | None = None
    vastleggingen: pd.DataFrame = field(default_factory=lege_vastleggingen)
    bronnen: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)

    @property
    def n_huishoudens(self) -> int:
        """Number of households."""
        return len(self.huishoudens)

    @property
    def gemeente_index(self) -> dict[str, int]:
        """Gemeente code -> row position in ``gemeenten``."""
        return {c: i for i, c in enumerate(self.gemeenten["gemeente_code"].tolist())}

    def __repr__(self) -> str:
        """Short: name, period, sizes, preset and backend (not the tables themselves)."""
        personen = int(self.huishoudens["personen"].sum()) if "personen" in self.huishoudens else 0
        return (
            f"<Instance {self.naam!r} periode={self.periode.label} "
            f"gemeenten={len(self.gemeenten)} huishoudens={self.n_huishoudens} "
            f"personen={personen} opties={len(self.opties)} "
            f"vastleggingen={len(self.vastleggingen)} preset={self.preset.naam!r} "
            f"solver={self.solver.backend!r}>"
        )

    def met_solver(self, solver: SolverOpties) -> Instance:
        """A copy with other solver options (the instance itself is unchanged)."""
        return replace(self, solver=solver)

    def deadline(self) -> np.ndarray:
        """Per household: the last day a home may come free (ready date + norm weeks)."""
        weken = np.timedelta64(7 * self.preset.limieten.termijn_weken, "D")
        return self.huishoudens["gereed_datum"].to_numpy(dtype="datetime64[D]") + weken

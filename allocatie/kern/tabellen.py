"""The raw input tables of a round, as the user gave them.

`RondeTabellen` is the hand-over point between readers (files), the synthetic
generator and the Python API on one side, and validation (which builds a frozen
`Instance`) on the other. Column names and meanings are documented in
``data/SCHEMA.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

TABELNAMEN: tuple[str, ...] = (
    "gemeenten",
    "taakstelling",
    "huishoudens",
    "woningaanbod",
    "flexlocaties",
    "regiocapaciteit",
    "reistijden",
    "vastleggingen",
)


@dataclass(frozen=True)
class RondeTabellen:
    """The input tables of one allocation round.

    Attributes
    ----------
    gemeenten
        GeoDataFrame with polygons (EPSG:28992), or a DataFrame with ``x``/``y``.
    taakstelling, huishoudens, woningaanbod
        Required tables (``woningaanbod`` may have zero rows).
    flexlocaties, regiocapaciteit
        Optional tables; ``None`` when absent.
    reistijden
        Optional origin-destination table (``van, naar, minuten[, modus]``);
        when absent, travel times are estimated from the geometry.
    vastleggingen
        Optional locks and bans set by hand (``huishouden_id, aanbod_id,
        gemeente_code, soort, toelichting``); ``None`` when absent.
    bronnen
        Table name -> where it came from (file path or ``"<DataFrame>"``), used
        in error messages.
    """

    gemeenten: pd.DataFrame | gpd.GeoDataFrame
    taakstelling: pd.DataFrame
    huishoudens: pd.DataFrame
    woningaanbod: pd.DataFrame
    flexlocaties: pd.DataFrame | None = None
    regiocapaciteit: pd.DataFrame | None = None
    reistijden: pd.DataFrame | None = None
    vastleggingen: pd.DataFrame | None = None
    bronnen: dict[str, str] = field(default_factory=dict)

    def bron(self, tabel: str) -> str:
        """Name of the source of ``tabel`` for messages (file path or table name)."""
        return self.bronnen.get(tabel, tabel)

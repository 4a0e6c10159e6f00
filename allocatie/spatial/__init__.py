"""Spatial backbone: reading boundaries and points, memberships, travel times (EPSG:28992)."""

from __future__ import annotations

from allocatie.spatial.grenzen import (
    RD,
    STANDAARD_LAGEN,
    GeografieWaarschuwing,
    GrensBron,
    controleer_ligging,
    controleer_rd,
    lees_grenzen,
    naar_rd,
)
from allocatie.spatial.lidmaatschap import (
    COA_REGIO_PER_PROVINCIE,
    Basis,
    Toewijzing,
    bouw_basis,
    bouw_basistabel,
    wijs_toe,
)
from allocatie.spatial.punten import koppel_aan_gemeenten, lees_punten

__all__ = [
    "COA_REGIO_PER_PROVINCIE",
    "RD",
    "STANDAARD_LAGEN",
    "Basis",
    "GeografieWaarschuwing",
    "GrensBron",
    "Toewijzing",
    "bouw_basis",
    "bouw_basistabel",
    "controleer_ligging",
    "controleer_rd",
    "koppel_aan_gemeenten",
    "lees_grenzen",
    "lees_punten",
    "naar_rd",
    "wijs_toe",
]

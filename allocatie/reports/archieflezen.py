"""Moved to `allocatie.archief.lezen` (the archive is read on the input side).

Kept so that existing imports keep working.
"""

from allocatie.archief.lezen import (
    RondeArchief,
    is_geopackage,
    lees_archief,
    lees_vorige_periode,
    volgende_periode,
    vorige_uit_archief,
)

__all__ = [
    "RondeArchief",
    "is_geopackage",
    "lees_archief",
    "lees_vorige_periode",
    "volgende_periode",
    "vorige_uit_archief",
]

"""Moved to `allocatie.archief.formaat` (the archive is read on the input side).

Kept so that existing imports keep working.
"""

from allocatie.archief.formaat import ARCHIEF_VERSIE, GEOMETRIE, INVOER_CIJFERS, LAGEN, PadLike

__all__ = ["ARCHIEF_VERSIE", "GEOMETRIE", "INVOER_CIJFERS", "LAGEN", "PadLike"]

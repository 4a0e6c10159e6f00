"""Interbestuurlijk toezicht on the taakstelling over half-years (``docs/toezicht.md``).

The Python API: `laad_dossier` reads a ``toezicht.toml`` and returns a
`Dossier` of plain DataFrames (``perioden``, ``dossier``, ``momentopnamen``,
``realisaties``, and ``overzicht(n)``); `bereken_dossier` does the same from
DataFrames. `schrijf_toezicht` writes the workbook and report page per provincie.
"""

from allocatie.toezicht.config import (
    STANDAARD_LADDER,
    Ladder,
    Trede,
    lees_ladder,
    lees_toezicht,
)
from allocatie.toezicht.dossier import Dossier, Halfjaar, bereken_dossier
from allocatie.toezicht.laden import laad_dossier
from allocatie.toezicht.wettelijk import (
    Herindelingen,
    controleer_peiljaar,
    inwoners_voor_periode,
    taakstelling_met_herziening,
)

__all__ = [
    "STANDAARD_LADDER",
    "Dossier",
    "Halfjaar",
    "Herindelingen",
    "Ladder",
    "Trede",
    "bereken_dossier",
    "controleer_peiljaar",
    "inwoners_voor_periode",
    "laad_dossier",
    "lees_ladder",
    "lees_toezicht",
    "taakstelling_met_herziening",
]

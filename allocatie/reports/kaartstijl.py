"""The colours and classes of the maps: how far a gemeente's opgave is met.

Shared by the static map (`allocatie.reports.kaart`), the interactive SVG map
(`allocatie.reports.svgkaart`) and the tables that name a gemeente's class
(`allocatie.reports.overzicht`); nothing here draws, so it needs no matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "FLEX_KLEUR",
    "GEEN_OPGAVE",
    "KLASSEN",
    "LABELS_LANDELIJK",
    "MAX_ALLE_LABELS",
    "Klasse",
    "vervullingsklasse",
]

#: Above this many gemeenten a map is "national": only the largest are labelled.
MAX_ALLE_LABELS = 60
#: How many gemeenten a national map labels (largest by inwoners, else by opgave).
LABELS_LANDELIJK = 25


@dataclass(frozen=True)
class Klasse:
    """One fulfilment class on the map: legend text, fill colour and hatch."""

    label: str
    kleur: str
    arcering: str | None = None


#: Fulfilment classes in legend order; index = value of `vervullingsklasse`.
KLASSEN: tuple[Klasse, ...] = (
    Klasse("minder dan 25%", "#b2182b"),
    Klasse("25% tot 50%", "#d6604d"),
    Klasse("50% tot 75%", "#f4a582"),
    Klasse("75% tot 100%", "#fddbc7"),
    Klasse("taak gehaald (100%)", "#92c5de"),
    Klasse("overvulling (meer dan 100%)", "#2166ac"),
    Klasse("geen opgave", "#e8e8e8", "///"),
)
GEEN_OPGAVE = len(KLASSEN) - 1
#: Fill of the flex-site circles: a hue outside the red-blue class scale.
FLEX_KLEUR = "#5e3c99"


def vervullingsklasse(opgave: np.ndarray, geplaatst: np.ndarray) -> np.ndarray:
    """Class index (into `KLASSEN`) per gemeente from its opgave and persons placed.

    Examples
    --------
    >>> vervullingsklasse(np.array([8, 8, 8, 8, 8, 8, 0]), np.array([1, 2, 4, 7, 8, 9, 3])).tolist()
    [0, 1, 2, 3, 4, 5, 6]
    """
    opgave = np.asarray(opgave, dtype=float)
    geplaatst = np.asarray(geplaatst, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        aandeel = np.where(opgave > 0, geplaatst / opgave, np.nan)
    klasse = np.digitize(np.nan_to_num(aandeel), [0.25, 0.5, 0.75, 1.0])  # 0..4
    klasse = np.where(geplaatst > opgave, 5, klasse)
    return np.where(opgave > 0, klasse, GEEN_OPGAVE).astype(np.int64)

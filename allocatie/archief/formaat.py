"""The format of the round archive: its version, layers and their geometry types.

Shared by writing (`allocatie.reports.archief`, `allocatie.reports.archieflagen`)
and reading (`allocatie.archief.lezen`); the layers are described in
`allocatie.reports.archief`. It lives on the input side (`allocatie.archief`)
because a round reads the archive of the previous one.
"""

from __future__ import annotations

import os

__all__ = ["ARCHIEF_VERSIE", "GEOMETRIE", "INVOER_CIJFERS", "LAGEN", "PadLike"]

PadLike = str | os.PathLike[str]

#: Format version, stored as ``archief_versie`` in ``ronde_metadata``.
ARCHIEF_VERSIE = "1"

#: Layer name -> (title, description) as QGIS shows them; also the layer order.
LAGEN: dict[str, tuple[str, str]] = {
    "invoer_gemeenten": ("Gemeenten (invoer)", "Gemeenten met inwoners en taakstelling"),
    "invoer_woningaanbod": ("Woningaanbod (invoer)", "Reguliere woningen per grootteklasse"),
    "invoer_flexlocaties": ("Flexlocaties (invoer)", "Flexibele woonlocaties"),
    "invoer_huishoudens": (
        "Huishoudens (invoer)",
        "Pseudoniem id en alleen wat een plaatsing nodig heeft",
    ),
    "invoer_regiocapaciteit": ("Regiocapaciteit (invoer)", "Maximum per regio"),
    "invoer_vastleggingen": ("Vastleggingen (invoer)", "Handmatige vastleggingen en verboden"),
    "resultaat_gemeenten": (
        "Gemeenten (resultaat)",
        "Opgave, geplaatst, tekort, taakstatus en overloop naar de volgende periode",
    ),
    "resultaat_woningaanbod": ("Woningaanbod (resultaat)", "Gebruik per reguliere optie"),
    "resultaat_flexlocaties": (
        "Flexlocaties (resultaat)",
        "Eenheden, bezetting en aandeel vergunninghouders",
    ),
    "resultaat_plaatsingen": (
        "Plaatsingen (resultaat)",
        "Per geplaatst huishouden: van azc-gemeente naar bestemming",
    ),
    "resultaat_onbediend": ("Onbediend (resultaat)", "Huishoudens zonder woning en waarom"),
    "ronde_metadata": (
        "Ronde (metadata)",
        "Periode, preset, solver, doelniveaus, invoerhashes, software, tijden",
    ),
}

#: Geometry type of the layers whose type does not depend on the input.
GEOMETRIE = {
    "invoer_flexlocaties": "Point",
    "resultaat_flexlocaties": "Point",
    "resultaat_plaatsingen": "LineString",
}
#: The input figures per gemeente, as in ``taakstelling.csv``.
INVOER_CIJFERS = ("taakstelling", "achterstand", "voorsprong", "gerealiseerd")

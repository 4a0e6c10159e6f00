"""QGIS styles stored in the round archive, so its map layers open coloured.

QGIS looks for a layer's default style in the GeoPackage table ``layer_styles``
(the table QGIS itself writes with "Stijl opslaan > In databank"): one row per
layer with the style as QML (QGIS's own XML). `schrijf_stijlen` adds that table
with one default style per map layer of the archive (`STIJLLAGEN`):

- ``resultaat_gemeenten``: filled by fulfilment class, the classes and colours
  of the maps (`allocatie.reports.kaartstijl.KLASSEN`), measured as the tables
  measure it: persons placed against the opgave after swaps (``opgave_na_ruil``);
  labelled with the gemeente's name;
- ``invoer_gemeenten``: outlines with the name;
- ``invoer_flexlocaties``, ``resultaat_flexlocaties``: points in the flex colour
  (`allocatie.reports.kaartstijl.FLEX_KLEUR`), the result labelled with the
  persons placed;
- ``resultaat_plaatsingen``: thin lines from azc to destination, in the flex
  colour to a flex site.

Gemeenten without boundaries are points in the archive; their style then uses
circles in the same colours. The QML is built with `xml.etree.ElementTree`, so
every expression is escaped properly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path

from allocatie.reports.kaartstijl import FLEX_KLEUR, KLASSEN

__all__ = [
    "STIJLLAGEN",
    "klasse_regels",
    "qml",
    "schrijf_stijlen",
    "velden_in_qml",
]

#: Map layers of the archive that get a default style.
STIJLLAGEN: tuple[str, ...] = (
    "invoer_gemeenten",
    "invoer_flexlocaties",
    "resultaat_gemeenten",
    "resultaat_flexlocaties",
    "resultaat_plaatsingen",
)
#: Title of the styles table in gpkg_contents (QGIS lists it as a table).
TITEL = "Kaartstijlen (QGIS)"
#: The QGIS version the QML claims; QGIS 3.x reads it (``prop`` elements, read by all 3.x).
QGIS_VERSIE = "3.28.0-Firenze"

#: SQL of the table, as QGIS creates it in a GeoPackage.
_TABEL = """
CREATE TABLE layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    f_table_catalog TEXT(256),
    f_table_schema TEXT(256),
    f_table_name TEXT(256),
    f_geometry_column TEXT(256),
    styleName TEXT(30),
    styleQML TEXT,
    styleSLD TEXT,
    useAsDefault BOOLEAN,
    description TEXT,
    owner TEXT(30),
    ui TEXT(30),
    update_time DATETIME
)
"""


def _rgba(hex_kleur: str, alfa: int = 255) -> str:
    """``#b2182b`` -> ``178,24,43,255`` (QGIS's colour notation)."""
    h = hex_kleur.lstrip("#")
    return ",".join(str(int(h[i : i + 2], 16)) for i in (0, 2, 4)) + f",{alfa}"


def klasse_regels(opgave: str = "opgave_na_ruil", geplaatst: str = "geplaatst") -> list[str]:
    """One QGIS filter expression per fulfilment class, in `KLASSEN` order.

    The same classes as `allocatie.reports.kaartstijl.vervullingsklasse`:
    placed / opgave below 25%, 50%, 75%, 100%; at 100% the task is met; more
    placed than the opgave is over-fulfilment; no opgave is its own class.

    Examples
    --------
    >>> klasse_regels()[0]
    '"opgave_na_ruil" > 0 AND "geplaatst" <= "opgave_na_ruil" AND "geplaatst" < 0.25 * "opgave_na_ruil"'
    >>> klasse_regels()[-1]
    'coalesce("opgave_na_ruil", 0) <= 0'
    """  # noqa: E501
    o, g = f'"{opgave}"', f'"{geplaatst}"'
    binnen = f"{o} > 0 AND {g} <= {o}"
    return [
        f"{binnen} AND {g} < 0.25 * {o}",
        f"{binnen} AND {g} >= 0.25 * {o} AND {g} < 0.5 * {o}",
        f"{binnen} AND {g} >= 0.5 * {o} AND {g} < 0.75 * {o}",
        f"{binnen} AND {g} >= 0.75 * {o} AND {g} < {o}",
        f"{o} > 0 AND {g} = {o}",
        f"{o} > 0 AND {g} > {o}",
        f"coalesce({o}, 0) <= 0",
    ]


def _symbool(
    ouder: ET.Element, naam: str, geometrie: str, kleur: str, *, rand: str = "255,255,255,255"
) -> None:
    """A QGIS symbol (fill, marker or line) named ``naam`` under ``ouder``."""
    soort = {"vlak": "fill", "punt": "marker", "lijn": "line"}[geometrie]
    symbool = ET.SubElement(
        ouder,
        "symbol",
        {"type": soort, "name": naam, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"},
    )
    klasse = {"vlak": "SimpleFill", "punt": "SimpleMarker", "lijn": "SimpleLine"}[geometrie]
    laag = ET.SubElement(
        symbool, "layer", {"class": klasse, "enabled": "1", "locked": "0", "pass": "0"}
    )
    eigenschappen: dict[str, str]
    if geometrie == "vlak":
        eigenschappen = {
            "color": kleur,
            "style": "solid",
            "outline_color": rand,
            "outline_style": "solid",
            "outline_width": "0.26",
            "outline_width_unit": "MM",
        }
    elif geometrie == "punt":
        eigenschappen = {
            "name": "circle",
            "color": kleur,
            "size": "3",
            "size_unit": "MM",
            "outline_color": rand,
            "outline_style": "solid",
            "outline_width": "0.3",
            "outline_width_unit": "MM",
        }
    else:
        eigenschappen = {
            "line_color": kleur,
            "line_style": "solid",
            "line_width": "0.26",
            "line_width_unit": "MM",
            "capstyle": "round",
        }
    for k, v in eigenschappen.items():
        ET.SubElement(laag, "prop", {"k": k, "v": v})


def _label(wortel: ET.Element, veld: str, geometrie: str) -> None:
    """Simple labels of one field (QGIS's "Enkelvoudige labels")."""
    wortel.set("labelsEnabled", "1")
    labeling = ET.SubElement(wortel, "labeling", {"type": "simple"})
    instellingen = ET.SubElement(labeling, "settings", {"calloutType": "simple"})
    ET.SubElement(
        instellingen,
        "text-style",
        {
            "fieldName": veld,
            "isExpression": "0",
            "fontFamily": "Sans Serif",
            "fontSize": "8",
            "fontSizeUnit": "Point",
            "textColor": "40,40,40,255",
            "textOpacity": "1",
        },
    )
    buffer = ET.SubElement(instellingen, "text-buffer")
    buffer.attrib.update({"bufferDraw": "1", "bufferSize": "0.8", "bufferColor": "255,255,255,255"})
    # 1 = over the point / centroid (areas), 6 = around the point (points, lines: 2).
    plaatsing = {"vlak": "1", "punt": "6", "lijn": "2"}[geometrie]
    ET.SubElement(instellingen, "placement", {"placement": plaatsing, "dist": "1"})
    ET.SubElement(instellingen, "rendering", {"obstacle": "1", "scaleVisibility": "0"})


def qml(
    laag: str,
    geometrie: str,
    *,
    opgave: str = "opgave_na_ruil",
) -> str:
    """The QML style of one archive layer (``geometrie``: ``vlak``, ``punt`` or ``lijn``).

    Examples
    --------
    >>> tekst = qml("resultaat_gemeenten", "vlak")
    >>> "RuleRenderer" in tekst and "taak gehaald (100%)" in tekst
    True
    >>> sorted(velden_in_qml(tekst))
    ['gemeente_naam', 'geplaatst', 'opgave_na_ruil']
    """
    if laag not in STIJLLAGEN:
        raise ValueError(f"geen kaartstijl voor laag {laag!r}; wel voor {', '.join(STIJLLAGEN)}")
    wortel = ET.Element(
        "qgis",
        {"version": QGIS_VERSIE, "styleCategories": "Symbology|Labeling", "labelsEnabled": "0"},
    )
    if laag == "resultaat_gemeenten":
        renderer = ET.SubElement(
            wortel,
            "renderer-v2",
            {"type": "RuleRenderer", "symbollevels": "0", "enableorderby": "0", "forceraster": "0"},
        )
        regels = ET.SubElement(renderer, "rules", {"key": "{wortel}"})
        symbolen = ET.SubElement(renderer, "symbols")
        for i, (klasse, filter_) in enumerate(zip(KLASSEN, klasse_regels(opgave), strict=True)):
            ET.SubElement(
                regels,
                "rule",
                {
                    "key": f"{{klasse-{i}}}",
                    "symbol": str(i),
                    "label": klasse.label,
                    "filter": filter_,
                },
            )
            _symbool(symbolen, str(i), geometrie, _rgba(klasse.kleur))
        _label(wortel, "gemeente_naam", geometrie)
    elif laag == "resultaat_plaatsingen":
        # Lines to a flex site in the flex colour, to a regular home in blue-grey.
        renderer = ET.SubElement(
            wortel,
            "renderer-v2",
            {"type": "RuleRenderer", "symbollevels": "0", "enableorderby": "0", "forceraster": "0"},
        )
        regels = ET.SubElement(renderer, "rules", {"key": "{wortel}"})
        symbolen = ET.SubElement(renderer, "symbols")
        for i, (label, filter_, kleur) in enumerate(
            [
                ("naar een flexlocatie", "\"soort\" = 'flex'", _rgba(FLEX_KLEUR, 140)),
                ("naar een reguliere woning", "ELSE", "70,90,120,110"),
            ]
        ):
            ET.SubElement(
                regels,
                "rule",
                {"key": f"{{soort-{i}}}", "symbol": str(i), "label": label, "filter": filter_},
            )
            _symbool(symbolen, str(i), geometrie, kleur)
    else:
        renderer = ET.SubElement(
            wortel,
            "renderer-v2",
            {"type": "singleSymbol", "symbollevels": "0", "enableorderby": "0", "forceraster": "0"},
        )
        symbolen = ET.SubElement(renderer, "symbols")
        if laag == "invoer_gemeenten":
            kleur, rand = "235,235,235,255", "120,120,120,255"
        else:
            kleur, rand = _rgba(FLEX_KLEUR), "255,255,255,255"
        _symbool(symbolen, "0", geometrie, kleur, rand=rand)
        if laag == "invoer_gemeenten":
            _label(wortel, "gemeente_naam", geometrie)
        elif laag == "resultaat_flexlocaties":
            _label(wortel, "personen", geometrie)
        elif laag == "invoer_flexlocaties":
            _label(wortel, "naam", geometrie)
    ET.indent(wortel)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(
        wortel, encoding="unicode"
    )


def velden_in_qml(tekst: str) -> set[str]:
    """The layer columns a QML style refers to: quoted names in filters, label fields.

    Examples
    --------
    >>> velden_in_qml(qml("resultaat_flexlocaties", "punt"))
    {'personen'}
    """
    wortel = ET.fromstring(tekst.split("\n", 1)[1] if tekst.startswith("<!DOCTYPE") else tekst)
    velden: set[str] = set()
    for regel in wortel.iter("rule"):
        velden.update(re.findall(r'"([^"]+)"', regel.get("filter", "")))
    for stijl in wortel.iter("text-style"):
        if stijl.get("isExpression") == "0" and stijl.get("fieldName"):
            velden.add(str(stijl.get("fieldName")))
    return velden


def schrijf_stijlen(
    pad: Path,
    geometrie: Mapping[str, str],
    *,
    kolommen: Mapping[str, Sequence[str]] | None = None,
    moment: dt.datetime | None = None,
) -> None:
    """Add the table ``layer_styles`` with one default style per map layer to a GeoPackage.

    Parameters
    ----------
    pad
        The GeoPackage, already written (GDAL closed it).
    geometrie
        Layer name -> ``vlak``, ``punt`` or ``lijn``, for the layers of
        `STIJLLAGEN` in the file.
    kolommen
        Layer name -> its columns; when given, a style that names a column the
        layer lacks is an error (a style QGIS would draw grey).
    moment
        The ``update_time`` of the styles (default: now, UTC).
    """
    tijd = (moment or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    rijen = []
    with contextlib.closing(sqlite3.connect(pad)) as db, db:
        geomkolom = dict(
            db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall()
        )
        for laag in STIJLLAGEN:
            if laag not in geometrie:
                continue
            tekst = qml(laag, geometrie[laag])
            if kolommen is not None:
                mist = sorted(velden_in_qml(tekst) - set(kolommen[laag]))
                if mist:
                    raise ValueError(f"kaartstijl van {laag} noemt ontbrekende kolommen: {mist}")
            rijen.append(
                ("", "", laag, geomkolom.get(laag, "geom"), laag, tekst, "", 1, "allocatie", tijd)
            )
        db.execute(_TABEL)
        db.executemany(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
            "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, owner, "
            "update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rijen,
        )
        # Registered like every table of a GeoPackage (QGIS does the same).
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
            "last_change) VALUES ('layer_styles', 'attributes', ?, ?, ?)",
            (TITEL, "Standaardstijl per kaartlaag; QGIS laadt die bij het openen", tijd),
        )

"""The round archive: one GeoPackage per round, and the next round's carry-over from it.

`schrijf_archief` writes everything a round used and decided into one
GeoPackage (EPSG:28992) that QGIS opens; `lees_archief` reads it back and
`vorige_uit_archief` turns it into the previous-period table that
`allocatie.taakstelling.pas_overloop_toe` takes, so the carry-over rule lives in
one place only.

Layers, in the order QGIS lists them (names sort as input, result, round):

==========================  =========  ================================================
layer                       geometry   content
==========================  =========  ================================================
``invoer_gemeenten``        area       gemeenten with inwoners and the input figures
                                       (taakstelling, achterstand, voorsprong,
                                       gerealiseerd) and the representative point x/y
``invoer_woningaanbod``     none       regular supply, columns of ``woningaanbod.csv``
``invoer_flexlocaties``     point      flexible sites, columns of ``flexlocaties.csv``
``invoer_huishoudens``      none       pseudonymous id and the fields a placement needs
                                       (the columns of ``huishoudens.csv``, nothing else)
``invoer_regiocapaciteit``  none       region capacities (possibly empty)
``invoer_vastleggingen``    none       locks and bans, without the free-text
                                       ``toelichting`` (data minimisation)
``resultaat_gemeenten``     area       the round's per-gemeente table plus the status
                                       against the task and the carry-over it leaves
``resultaat_woningaanbod``  none       use of each regular option
``resultaat_flexlocaties``  point      units, occupancy and share of vergunninghouders
``resultaat_plaatsingen``   line       one per placed household, from the azc gemeente's
                                       representative point to the destination
``resultaat_onbediend``     none       unplaced households and why
``ronde_metadata``          none       ``sleutel``/``waarde``: round, preset, solver,
                                       levels, input hashes, software, timestamps
==========================  =========  ================================================

Gemeenten without boundaries (a CSV with ``x``/``y``) are written as points at
that representative point, not as buffers: a made-up circle would look like a
boundary, and its area or overlaps would mean something that is not true.

The whole file is built under its own name in a temporary folder next to the
target (GDAL wants the ``.gpkg`` extension) and moved into place atomically
(`allocatie.io.atomisch.atomisch_pad`); an existing archive is only replaced
with ``overschrijf=True``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import platform
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from allocatie.errors import InvoerFout
from allocatie.instance import Instance, Periode
from allocatie.io import kolommen as k
from allocatie.io.atomisch import atomisch_pad
from allocatie.result import AllocationResult
from allocatie.solvers.base import Status
from allocatie.spatial.grenzen import RD
from allocatie.taakstelling import KOLOMMEN_TAAKSTELLING, lees_vorige
from allocatie.validate import HUISHOUDEN_KOLOMMEN

__all__ = [
    "ARCHIEF_VERSIE",
    "LAGEN",
    "RondeArchief",
    "archief_lagen",
    "controleer_archiefpad",
    "is_geopackage",
    "lees_archief",
    "lees_vorige_periode",
    "schrijf_archief",
    "volgende_periode",
    "vorige_uit_archief",
]

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

_FLEX_INVOER = (
    "aanbod_id",
    "naam",
    "gemeente_code",
    "x",
    "y",
    "eenheden",
    "capaciteit_personen",
    "max_aandeel_vh",
    "min_personen",
    "max_personen",
    "max_per_eenheid",
    "beschikbaar_vanaf",
    "beschikbaar_tot",
)
#: Geometry type of the layers whose type does not depend on the input.
_GEOMETRIE = {
    "invoer_flexlocaties": "Point",
    "resultaat_flexlocaties": "Point",
    "resultaat_plaatsingen": "LineString",
}
_INVOER_CIJFERS = ("taakstelling", "achterstand", "voorsprong", "gerealiseerd")
_SQLITE = b"SQLite format 3\x00"


# --------------------------------------------------------------------------- layers


def _tekstdatum(waarden: pd.Series) -> list[str | None]:
    """Dates as ISO text (``2025-01-05``); a missing date is NULL."""
    return [None if pd.isna(d) else pd.Timestamp(d).date().isoformat() for d in waarden]


def _gemeentevormen(inst: Instance) -> gpd.GeoSeries:
    """The gemeenten's boundaries in RD, or their representative points without them."""
    if inst.grenzen is not None:
        vlak = inst.grenzen.reset_index(drop=True)
        return vlak.set_crs(RD) if vlak.crs is None else vlak.to_crs(RD)
    g = inst.gemeenten
    return gpd.GeoSeries(gpd.points_from_xy(g["x"], g["y"]), crs=RD)


def _punten(df: pd.DataFrame) -> gpd.GeoSeries:
    return gpd.GeoSeries(gpd.points_from_xy(df["x"], df["y"]), index=df.index, crs=RD)


def _deel(teller: pd.Series, noemer: pd.Series) -> pd.Series:
    """``teller / noemer``, NULL where the denominator is 0."""
    n = noemer.to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.Series(np.where(n > 0, teller.to_numpy(float) / n, np.nan), index=teller.index)


def _invoerlagen(inst: Instance) -> dict[str, pd.DataFrame]:
    gem = inst.gemeenten
    gemeenten = gpd.GeoDataFrame(
        gem[
            [
                "gemeente_code",
                "gemeente_naam",
                "provincie_code",
                "arbeidsmarktregio_code",
                "coa_regio",
                "inwoners",
                *_INVOER_CIJFERS,
                "x",
                "y",
            ]
        ].reset_index(drop=True),
        geometry=_gemeentevormen(inst),
    )
    op = inst.opties
    reg = op[op["soort"] == "regulier"].reset_index(drop=True)
    woningaanbod = pd.DataFrame(
        {
            "aanbod_id": reg["aanbod_id"],
            "gemeente_code": reg["gemeente_code"],
            "min_personen": reg["min_personen"],
            "max_personen": reg["max_personen"],
            "woningen": reg["eenheden_totaal"],
            "beschikbaar_vanaf": _tekstdatum(reg["beschikbaar_vanaf"]),
            "max_per_woning": reg["max_per_eenheid"],
        }
    )
    fl = op[op["soort"] == "flex"].reset_index(drop=True)
    flex = fl.rename(columns={"eenheden": "eenheden_vh"}).rename(
        columns={"eenheden_totaal": "eenheden"}
    )
    flex = flex.assign(
        beschikbaar_vanaf=_tekstdatum(fl["beschikbaar_vanaf"]),
        beschikbaar_tot=_tekstdatum(fl["beschikbaar_tot"]),
    )[list(_FLEX_INVOER)]
    hh = inst.huishoudens[list(HUISHOUDEN_KOLOMMEN)].copy()  # the schema's columns, no more
    hh["gereed_datum"] = _tekstdatum(hh["gereed_datum"])
    return {
        "invoer_gemeenten": gemeenten,
        "invoer_woningaanbod": woningaanbod,
        "invoer_flexlocaties": gpd.GeoDataFrame(flex, geometry=_punten(flex)),
        "invoer_huishoudens": hh.reset_index(drop=True),
        "invoer_regiocapaciteit": inst.regiocapaciteit.astype(
            {"regio_soort": object, "regio_code": object}
        ).reset_index(drop=True),
        "invoer_vastleggingen": inst.vastleggingen[
            ["huishouden_id", "aanbod_id", "gemeente_code", "soort"]
        ].reset_index(drop=True),
    }


def _resultaat_gemeenten(inst: Instance, res: AllocationResult) -> gpd.GeoDataFrame:
    """``per_gemeente`` with the status against the task and the carry-over it leaves."""
    codes = inst.gemeenten["gemeente_code"].reset_index(drop=True)
    g = res.per_gemeente.set_index("gemeente_code").loc[codes].reset_index()
    saldo = g["saldo"]
    g["gerealiseerd_na_ronde"] = g["gerealiseerd"] + g["geplaatst"]
    g["achterstand_na_ronde"] = saldo.clip(lower=0)
    g["voorsprong_na_ronde"] = (-saldo).clip(lower=0)
    g["taakstatus"] = np.select(
        [saldo > 0, saldo < 0], ["achterstand", "voorsprong"], default="op taak"
    )
    g["realisatie"] = _deel(g["gerealiseerd_na_ronde"], g["gecorrigeerd"])
    return gpd.GeoDataFrame(g, geometry=_gemeentevormen(inst))


def _resultaat_flex(inst: Instance, res: AllocationResult) -> gpd.GeoDataFrame:
    op = inst.opties.set_index("aanbod_id")
    fl = res.per_optie[res.per_optie["soort"] == "flex"].reset_index(drop=True)
    fl = fl.drop(columns="soort").rename(columns={"eenheden": "eenheden_vh"})
    fl.insert(3, "eenheden_totaal", op.loc[fl["aanbod_id"], "eenheden_totaal"].to_numpy())
    fl.insert(4, "max_aandeel_vh", op.loc[fl["aanbod_id"], "max_aandeel_vh"].to_numpy())
    fl["bezetting"] = _deel(fl["eenheden_gebruikt"], fl["eenheden_vh"])
    fl["aandeel_vh"] = _deel(fl["eenheden_gebruikt"], fl["eenheden_totaal"])
    fl["x"] = op.loc[fl["aanbod_id"], "x"].to_numpy(float)
    fl["y"] = op.loc[fl["aanbod_id"], "y"].to_numpy(float)
    return gpd.GeoDataFrame(fl, geometry=_punten(fl))


def _resultaat_plaatsingen(inst: Instance, res: AllocationResult) -> gpd.GeoDataFrame:
    pl = res.plaatsingen.reset_index(drop=True)
    gem = inst.gemeenten.set_index("gemeente_code")
    op = inst.opties.set_index("aanbod_id")
    van = gem.loc[pl["azc_gemeente"], ["x", "y"]].to_numpy(float)
    naar = op.loc[pl["aanbod_id"], ["x", "y"]].to_numpy(float)
    lijnen = shapely.linestrings(np.stack([van, naar], axis=1).reshape(-1, 2, 2))
    return gpd.GeoDataFrame(pl, geometry=gpd.GeoSeries(lijnen, crs=RD))


def _tekst(waarde: Any) -> str | None:
    """A metadata value as text: booleans as in TOML (``true``/``false``), None as NULL."""
    if waarde is None:
        return None
    if isinstance(waarde, bool):
        return "true" if waarde else "false"
    return str(waarde)


def _tijd(t: dt.datetime) -> str:
    return (t if t.tzinfo else t.astimezone()).isoformat(timespec="seconds")


def _metadata(
    inst: Instance, res: AllocationResult, gestart: dt.datetime, klaar: dt.datetime
) -> pd.DataFrame:
    import allocatie  # the package's version; imported here, the package imports reports

    rijen: list[tuple[str, Any]] = [
        ("archief_versie", ARCHIEF_VERSIE),
        ("ronde.naam", inst.naam),
        ("ronde.periode", inst.periode.label),
        ("ronde.periode_start", inst.periode.start.isoformat()),
        ("ronde.periode_eind", inst.periode.eind.isoformat()),
        ("crs", RD),
        ("gemeenten.geometrie", "punten" if inst.grenzen is None else "grenzen"),
        ("model.preset", inst.preset.naam),
    ]

    def plat(prefix: str, waarden: Mapping[str, Any]) -> None:
        for sleutel, waarde in waarden.items():
            if isinstance(waarde, Mapping):
                plat(f"{prefix}.{sleutel}", waarde)
            elif isinstance(waarde, list | tuple):
                rijen.append((f"{prefix}.{sleutel}", ", ".join(map(str, waarde))))
            else:
                rijen.append((f"{prefix}.{sleutel}", waarde))

    preset = dataclasses.asdict(inst.preset)
    preset.pop("naam")
    plat("model", preset)
    plat("solver", dataclasses.asdict(inst.solver))
    rijen += [
        ("solver.naam", res.solver),
        ("resultaat.status", res.status.value),
        ("resultaat.gap", res.gap),
        ("resultaat.formulering", res.formulering),
        ("resultaat.rekentijd_s", round(res.wall_s, 3)),
        ("resultaat.bouwtijd_s", round(res.bouw_s, 3)),
    ]
    for i, n in enumerate(res.niveaus, start=1):
        rijen += [
            (f"niveau.{i}.naam", n.naam),
            (f"niveau.{i}.status", n.status.value),
            (f"niveau.{i}.waarde", n.waarde),
            (f"niveau.{i}.grens", n.grens),
            (f"niveau.{i}.gap", n.gap),
            (f"niveau.{i}.tijd_s", round(n.tijd_s, 3)),
        ]
    plat("aantal", res.samenvatting()["aantallen"])
    rijen += [(f"signaal.{i}", s) for i, s in enumerate(res.signalen, start=1)]
    for naam in sorted(set(inst.hashes) | set(inst.bronnen)):
        rijen += [
            (f"invoer.{naam}.bestand", inst.bronnen.get(naam)),
            (f"invoer.{naam}.sha256", inst.hashes.get(naam)),
        ]
    rijen += [
        ("software.allocatie", allocatie.__version__),
        ("software.python", platform.python_version()),
        ("software.gdal", pyogrio.__gdal_version_string__),
        ("tijd.gestart", _tijd(gestart)),
        ("tijd.klaar", _tijd(klaar)),
        ("tijd.archief", _tijd(dt.datetime.now().astimezone())),
    ]
    return pd.DataFrame(
        {
            "sleutel": [s for s, _ in rijen],
            "waarde": pd.Series([_tekst(w) for _, w in rijen], dtype=object),
        }
    )


def archief_lagen(
    inst: Instance,
    res: AllocationResult,
    *,
    gestart: dt.datetime | None = None,
    klaar: dt.datetime | None = None,
) -> dict[str, pd.DataFrame]:
    """Every layer of the archive as a (Geo)DataFrame, in `LAGEN` order.

    See `schrijf_archief` for ``gestart`` and ``klaar``.
    """
    klaar = klaar or dt.datetime.now().astimezone()
    gestart = gestart or klaar - dt.timedelta(seconds=res.wall_s)
    per_optie = res.per_optie
    lagen = {
        **_invoerlagen(inst),
        "resultaat_gemeenten": _resultaat_gemeenten(inst, res),
        "resultaat_woningaanbod": per_optie[per_optie["soort"] == "regulier"]
        .drop(columns=["soort", "naam"])
        .reset_index(drop=True),
        "resultaat_flexlocaties": _resultaat_flex(inst, res),
        "resultaat_plaatsingen": _resultaat_plaatsingen(inst, res),
        "resultaat_onbediend": res.onbediend.reset_index(drop=True),
        "ronde_metadata": _metadata(inst, res, gestart, klaar),
    }
    return {naam: lagen[naam] for naam in LAGEN}


# --------------------------------------------------------------------------- writing


def _schrijf_laag(pad: Path, naam: str, df: pd.DataFrame) -> None:
    titel, beschrijving = LAGEN[naam]
    opties: dict[str, Any] = {
        "driver": "GPKG",
        "layer": naam,
        "layer_options": {"IDENTIFIER": titel, "DESCRIPTION": beschrijving},
    }
    if isinstance(df, gpd.GeoDataFrame):
        # Fixed per layer (an empty layer has no geometries to tell); gemeenten are
        # boundaries, Polygon and MultiPolygon in one layer type, or points.
        soort = _GEOMETRIE.get(naam)
        if soort is None:
            soort = "Point" if set(df.geometry.geom_type) <= {"Point"} else "MultiPolygon"
        opties |= {"geometry_type": soort, "promote_to_multi": soort == "MultiPolygon"}
    pyogrio.write_dataframe(df, pad, **opties)


def controleer_archiefpad(pad: PadLike, *, overschrijf: bool = False) -> Path:
    """Check, before any work, that an archive may be written at ``pad``.

    Raises
    ------
    InvoerFout
        When ``pad`` does not end in ``.gpkg``, is a folder, or exists while
        ``overschrijf`` is False.
    """
    doel = Path(pad)
    if doel.suffix.lower() != ".gpkg" or doel.is_dir():
        raise InvoerFout(
            "een rondearchief is een GeoPackage; geef een bestandsnaam die eindigt op .gpkg",
            bestand=doel,
        )
    if doel.exists() and not overschrijf:
        raise InvoerFout(
            "het rondearchief bestaat al en wordt niet overschreven; kies een ander pad of "
            "gebruik --overschrijf (Python: overschrijf=True)",
            bestand=doel,
        )
    return doel


def schrijf_archief(
    inst: Instance,
    res: AllocationResult,
    pad: PadLike,
    *,
    overschrijf: bool = False,
    gestart: dt.datetime | None = None,
    klaar: dt.datetime | None = None,
) -> Path:
    """Write the round archive: one GeoPackage (EPSG:28992) that QGIS opens.

    Parameters
    ----------
    inst, res
        The round and its (verified) result.
    pad
        The archive, a ``.gpkg`` file; its folder must exist.
    overschrijf
        Replace an existing archive; without it that is an error, so an earlier
        round's archive is never lost silently.
    gestart, klaar
        Start and end of the run, for the metadata. Default: ``klaar`` is the
        moment of writing and ``gestart`` is ``klaar`` minus the solve's wall time.

    Returns
    -------
    Path
        The written archive.

    Raises
    ------
    InvoerFout
        When ``pad`` does not end in ``.gpkg``, exists and ``overschrijf`` is
        False, or its folder does not exist. Nothing is written then, and an
        interrupted write leaves neither a file nor a temporary file behind.
    """
    doel = controleer_archiefpad(pad, overschrijf=overschrijf)
    lagen = archief_lagen(inst, res, gestart=gestart, klaar=klaar)
    with atomisch_pad(doel) as tijdelijk:
        # GDAL wants the .gpkg extension: build the file under its own name in a
        # temporary folder next to the target, then hand it to atomisch_pad.
        with tempfile.TemporaryDirectory(prefix=f".{doel.name}.", dir=doel.parent) as map_:
            bestand = Path(map_) / doel.name
            for naam, df in lagen.items():
                _schrijf_laag(bestand, naam, df)
            os.replace(bestand, tijdelijk)
    return doel


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class RondeArchief:
    """A round archive as read by `lees_archief`.

    Attributes
    ----------
    pad
        The GeoPackage.
    metadata
        ``ronde_metadata`` as ``sleutel -> waarde`` (text; ``None`` when empty).
    lagen
        Every layer by name: a GeoDataFrame for spatial layers, else a DataFrame.
    """

    pad: Path
    metadata: dict[str, str | None]
    lagen: dict[str, pd.DataFrame]

    @property
    def naam(self) -> str:
        """The round's name."""
        return str(self.metadata.get("ronde.naam"))

    @property
    def periode(self) -> str:
        """The round's half-year, e.g. ``2025-I``."""
        return str(self.metadata.get("ronde.periode"))

    @property
    def status(self) -> str:
        """The result's status (`allocatie.solvers.base.Status` value)."""
        return str(self.metadata.get("resultaat.status"))


def is_geopackage(pad: PadLike) -> bool:
    """True when ``pad`` is a file that starts like a GeoPackage (SQLite) file."""
    try:
        with open(pad, "rb") as f:
            return f.read(len(_SQLITE)) == _SQLITE
    except OSError:
        return False


def lees_archief(pad: PadLike) -> RondeArchief:
    """Read a round archive written by `schrijf_archief`.

    Raises
    ------
    InvoerFout
        When the file is missing, is no GeoPackage, lacks a layer of the archive
        or has an unknown ``archief_versie``.
    """
    pad = Path(pad)
    if not pad.is_file():
        raise InvoerFout("rondearchief bestaat niet", bestand=pad)
    if not is_geopackage(pad):
        raise InvoerFout(
            "geen GeoPackage; een rondearchief is het GeoPackage dat "
            "'allocatie ronde --archief' schrijft",
            bestand=pad,
        )
    try:
        namen = [str(n) for n in pyogrio.list_layers(pad)[:, 0]]
        ontbreekt = [n for n in LAGEN if n not in namen]
        if ontbreekt:
            raise InvoerFout(
                f"laag '{ontbreekt[0]}' ontbreekt: dit is geen (volledig) rondearchief van "
                f"allocatie; verwacht de lagen {', '.join(LAGEN)}",
                bestand=pad,
            )
        lagen = {n: pyogrio.read_dataframe(pad, layer=n) for n in namen}
    except pyogrio.errors.DataSourceError as exc:
        raise InvoerFout(f"kan rondearchief niet lezen: {exc}", bestand=pad) from exc
    meta = lagen["ronde_metadata"]
    k.eis_kolommen(meta, ("sleutel", "waarde"), f"{pad}:ronde_metadata")
    metadata = {
        str(s): (None if pd.isna(w) else str(w))
        for s, w in zip(meta["sleutel"], meta["waarde"], strict=True)
    }
    versie = metadata.get("archief_versie")
    if versie != ARCHIEF_VERSIE:
        raise InvoerFout(
            f"onbekende archiefversie; deze versie van allocatie leest versie {ARCHIEF_VERSIE}",
            bestand=f"{pad}:ronde_metadata",
            kolom="archief_versie",
            waarde=versie,
        )
    return RondeArchief(pad=pad, metadata=metadata, lagen=lagen)


# --------------------------------------------------------------------------- carry-over


def volgende_periode(label: str) -> str:
    """The half-year after ``label``.

    Examples
    --------
    >>> volgende_periode("2025-I"), volgende_periode("2025-II")
    ('2025-II', '2026-I')
    """
    p = Periode.parse(label)
    return f"{p.start.year}-II" if p.label.endswith("-I") else f"{p.start.year + 1}-I"


def vorige_uit_archief(
    archief: RondeArchief | PadLike, *, periode: str | None = None
) -> pd.DataFrame:
    """The previous-period table of `allocatie.taakstelling.pas_overloop_toe`, from an archive.

    Per gemeente: the archived round's ``taakstelling``, ``achterstand`` and
    ``voorsprong``, and as ``gerealiseerd`` what was realised before the round
    plus what the round placed. `pas_overloop_toe` then carries over the saldo
    ``taakstelling + achterstand - voorsprong - gerealiseerd``: the round's
    shortfall becomes the next achterstand, placements beyond the corrected task
    (and a voorsprong the round did not use up) the next voorsprong.

    Parameters
    ----------
    archief
        An archive or its path.
    periode
        The new period, if known: it must directly follow the archive's.

    Raises
    ------
    InvoerFout
        When the archive holds no solution, the period does not follow on, or
        ``resultaat_gemeenten`` has invalid numbers or derived columns that no
        longer agree with them (edited by hand: then change the input columns
        ``gerealiseerd`` / ``geplaatst`` and recompute the others).
    """
    a = archief if isinstance(archief, RondeArchief) else lees_archief(archief)
    meta = f"{a.pad}:ronde_metadata"
    if a.status not in {s.value for s in Status if s.heeft_oplossing}:
        raise InvoerFout(
            "de ronde in dit archief heeft geen oplossing; er valt geen overloop uit te halen",
            bestand=meta,
            kolom="resultaat.status",
            waarde=a.status,
        )
    if periode is not None and Periode.parse(periode).label != volgende_periode(a.periode):
        raise InvoerFout(
            f"het archief is van periode {a.periode}; de overloop gaat naar de periode "
            f"erna ({volgende_periode(a.periode)}), niet naar {periode}",
            bestand=meta,
            kolom="ronde.periode",
            waarde=a.periode,
        )
    bron = f"{a.pad}:resultaat_gemeenten"
    g = a.lagen["resultaat_gemeenten"]
    basis = (*_INVOER_CIJFERS, "geplaatst")
    k.eis_kolommen(g, ("gemeente_code", *basis), bron)
    t, achter, voor, real, gepl = (k.geheel(g, kol, bron, exact=True) for kol in basis)
    gecorrigeerd = t + achter - voor
    saldo = gecorrigeerd - real - gepl
    afgeleid = {
        "gecorrigeerd": gecorrigeerd,
        "saldo": saldo,
        "gerealiseerd_na_ronde": real + gepl,
        "achterstand_na_ronde": np.maximum(saldo, 0),
        "voorsprong_na_ronde": np.maximum(-saldo, 0),
    }
    for kolom, verwacht in afgeleid.items():
        if kolom not in g.columns:
            continue
        gegeven = g[kolom].tolist()
        for i, (w, v) in enumerate(zip(gegeven, verwacht, strict=True)):
            if k.is_leeg(w) or w != v:
                raise InvoerFout(
                    f"komt niet overeen met taakstelling, achterstand, voorsprong, gerealiseerd "
                    f"en geplaatst (verwacht {v}); de overloop wordt uit die kolommen berekend: "
                    "pas die aan en herbereken de afgeleide kolommen",
                    bestand=bron,
                    rij=k.rijnummer(i),
                    kolom=kolom,
                    waarde=w,
                )
    vorige = pd.DataFrame(
        {
            "gemeente_code": pd.Series(g["gemeente_code"].tolist(), dtype=str),
            "taakstelling": t.tolist(),
            "achterstand": achter.tolist(),
            "voorsprong": voor.tolist(),
            "gerealiseerd": (real + gepl).tolist(),
        }
    )[list(KOLOMMEN_TAAKSTELLING)]
    vorige.attrs["bestand"] = bron
    vorige.attrs["periode"] = a.periode
    return vorige


def lees_vorige_periode(pad: PadLike) -> pd.DataFrame:
    """The previous period for `pas_overloop_toe`: a round archive or a taakstelling CSV.

    A GeoPackage (by content, or any ``.gpkg`` path) is read with
    `vorige_uit_archief`, anything else with `allocatie.taakstelling.lees_vorige`.
    """
    archief = is_geopackage(pad) or Path(pad).suffix.lower() == ".gpkg"
    return vorige_uit_archief(pad) if archief else lees_vorige(pad)

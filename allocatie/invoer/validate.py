"""Validation: from `RondeTabellen` (as given) to a frozen, typed `Instance`.

Each check reports an `InvoerFout` naming the file, row, column and value and
saying what is valid. Nothing is silently dropped or changed: an unknown code,
a duplicate id or a non-integer size stops the load. `valideer` collects the
errors of every cell of every table (`allocatie.kern.errors.verzamel`, at most
`allocatie.kern.errors.MAX_FOUTEN` listed) and raises them together as
`allocatie.kern.errors.InvoerFouten`; one error alone is raised as itself.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from allocatie.io import kolommen as k
from allocatie.io.schema import BESCHERMDE_STAMMEN, REGIONAAMKOLOMMEN, controleer_kolommen
from allocatie.io.schema import HUISHOUDEN_KOLOMMEN as HUISHOUDEN_KOLOMMEN
from allocatie.io.schema import weiger_beschermde_kenmerken as weiger_beschermde_kenmerken
from allocatie.kern.errors import InvoerFout, heeft_fouten, meld, stop_bij_fouten, verzamel
from allocatie.kern.tabellen import TABELNAMEN, RondeTabellen
from allocatie.ronde.instance import REGIOSOORTEN as REGIOSOORTEN
from allocatie.ronde.instance import Instance, Periode, lege_vastleggingen
from allocatie.ronde.presets import VERVOERSWIJZEN, ModelPreset
from allocatie.solvers.base import SolverOpties
from allocatie.spatial.grenzen import RD, RD_X, RD_Y  # noqa: F401  (re-exported)
from allocatie.spatial.grenzen import controleer_rd as _controleer_rd
from allocatie.spatial.grenzen import naar_rd as _naar_rd
from allocatie.spatial.punten import koppel_aan_gemeenten
from allocatie.spatial.reistijd import Reistijden, reistijden_uit_tabel, reistijdmatrix

log = logging.getLogger(__name__)

ANKERS = ("werk_gemeente", "studie_gemeente", "familie_gemeente", "zorg_gemeente")

#: Name stems of protected attributes (matching: `allocatie.io.schema.beschermd_kenmerk`).
BESCHERMD: tuple[str, ...] = tuple(BESCHERMDE_STAMMEN)


def controleer_tabellen(tabellen: RondeTabellen) -> None:
    """Check the column names of every table given (`allocatie.io.schema.controleer_kolommen`).

    Runs before any cell is parsed, for files and DataFrames alike: a protected
    attribute or an unknown column (a typo such as ``max_aandeel_vg``) stops
    the load instead of being silently ignored.
    """
    for tabel in TABELNAMEN:
        df = getattr(tabellen, tabel)
        if df is not None:
            controleer_kolommen(df, tabel, tabellen.bron(tabel))


def _punten(df: pd.DataFrame, bron: str) -> tuple[np.ndarray, np.ndarray, gpd.GeoSeries | None]:
    """Representative points (and polygons, if any) of a table with geometry or x/y."""
    if isinstance(df, gpd.GeoDataFrame) and df.geometry.name in df.columns:
        gdf = _naar_rd(df, bron)
        for i, geom in enumerate(gdf.geometry):
            if geom is None or geom.is_empty:
                raise InvoerFout(
                    "lege geometrie", bestand=bron, rij=k.rijnummer(i), kolom="geometry"
                )
        punt = gdf.geometry.representative_point()
        x, y = punt.x.to_numpy(float), punt.y.to_numpy(float)
        _controleer_rd(x, y, bron, ("geometry", "geometry"))
        vlak = gdf.geometry if bool(gdf.geometry.geom_type.str.contains("Polygon").all()) else None
        return x, y, vlak
    x = k.getal(df, "x", bron)
    y = k.getal(df, "y", bron)
    _controleer_rd(x, y, bron, ("x", "y"))
    return x, y, None


def _gemeenten(t: RondeTabellen) -> tuple[pd.DataFrame, gpd.GeoSeries | None]:
    df, bron = t.gemeenten, t.bron("gemeenten")
    codes = k.gemeentecodes(df, "gemeente_code", bron)
    x, y, vlak = _punten(df, bron)
    uit = pd.DataFrame(
        {
            "gemeente_code": codes,
            "gemeente_naam": k.tekst(df, "gemeente_naam", bron, vrij=True),
            "provincie_code": k.regiocodes(df, "provincie_code", bron, k.PROVINCIECODE, "PV27"),
            "arbeidsmarktregio_code": k.regiocodes(
                df, "arbeidsmarktregio_code", bron, k.ARBEIDSMARKTREGIOCODE, "AM12"
            ),
            "coa_regio": k.tekst(df, "coa_regio", bron),
            "inwoners": k.geheel(df, "inwoners", bron, minimum=1, maximum=k.MAX_INWONERS),
            "x": x,
            "y": y,
        }
    )
    # Optional names beside the region codes (written by `allocatie basis`): kept for the
    # reports, which show a name beside every code.
    for kolom in REGIONAAMKOLOMMEN:
        if kolom in df.columns:
            uit[kolom] = k.tekst(df, kolom, bron, vrij=True)
    if vlak is not None:
        vlak = vlak.reset_index(drop=True)
    return uit, vlak


def _taakstelling(t: RondeTabellen, gem: pd.DataFrame) -> pd.DataFrame:
    df, bron = t.taakstelling, t.bron("taakstelling")
    codes = k.tekst(df, "gemeente_code", bron)
    idx = k.bekende_codes(
        codes, {c: i for i, c in enumerate(gem["gemeente_code"])}, "gemeente_code", bron
    )
    k.uniek(codes, "gemeente_code", bron)
    ontbreekt = sorted(set(gem["gemeente_code"]) - set(codes.tolist()))
    if ontbreekt:
        raise InvoerFout(
            f"{len(ontbreekt)} gemeente(n) uit de gemeententabel ontbreken in de taakstelling "
            f"(bijv. {', '.join(ontbreekt[:5])}); geef elke gemeente een rij (taakstelling 0 mag)",
            bestand=bron,
            kolom="gemeente_code",
        )
    grens = k.MAX_PERSONEN_TELLING
    taak = k.geheel(df, "taakstelling", bron, maximum=grens)
    achter = k.geheel(df, "achterstand", bron, maximum=grens, standaard=0)
    voor = k.geheel(df, "voorsprong", bron, maximum=grens, standaard=0)
    real = k.geheel(df, "gerealiseerd", bron, maximum=grens, standaard=0)
    for i in np.flatnonzero((achter > 0) & (voor > 0)).tolist():
        meld(
            InvoerFout(
                "een gemeente heeft achterstand óf voorsprong, niet allebei; verreken ze tot "
                "één saldo",
                bestand=bron,
                rij=k.rijnummer(i),
                kolom="voorsprong",
                waarde=int(voor[i]),
            )
        )
    volgorde = np.argsort(idx)
    uit = gem.copy()
    uit["taakstelling"] = taak[volgorde]
    uit["achterstand"] = achter[volgorde]
    uit["voorsprong"] = voor[volgorde]
    uit["gerealiseerd"] = real[volgorde]
    uit["gecorrigeerd"] = uit["taakstelling"] + uit["achterstand"] - uit["voorsprong"]
    uit["opgave"] = np.maximum(0, uit["gecorrigeerd"] - uit["gerealiseerd"])
    return uit


def _huishoudens(t: RondeTabellen, gidx: dict[str, int], vervoer: str) -> pd.DataFrame:
    df, bron = t.huishoudens, t.bron("huishoudens")
    ids = k.tekst(df, "huishouden_id", bron)
    k.uniek(ids, "huishouden_id", bron)
    grootte = k.MAX_HUISHOUDGROOTTE
    personen = k.geheel(df, "personen", bron, minimum=1, maximum=grootte)
    nareizigers = k.geheel(df, "nareizigers", bron, maximum=grootte, standaard=0)
    azc = k.tekst(df, "azc_gemeente", bron)
    k.bekende_codes(azc, gidx, "azc_gemeente", bron)
    uit = pd.DataFrame(
        {
            "huishouden_id": ids,
            "personen": personen,
            "nareizigers": nareizigers,
            "ruimte": personen + nareizigers,
            "azc_gemeente": azc,
            "gereed_datum": k.datum(df, "gereed_datum", bron),
        }
    )
    for kolom in ANKERS:
        waarden = k.tekst(df, kolom, bron, verplicht=False)
        k.bekende_codes(waarden, gidx, kolom, bron, leeg_mag=True)
        uit[kolom] = waarden
    modus = k.keuze(df, "vervoer", bron, VERVOERSWIJZEN, verplicht=False, wat="vervoerswijze")
    uit["vervoer"] = np.where(modus == "", vervoer, modus)
    return uit


def _reistijden(
    t: RondeTabellen, gem: pd.DataFrame, opties: pd.DataFrame, grenzen: gpd.GeoSeries | None
) -> dict[str, Reistijden]:
    """Travel times per mode: the round's origin-destination table, else the estimate.

    An OD table without a ``modus`` column holds for both modes; with one, a
    mode without any row is estimated from the geometry (logged).
    """
    g_xy = gem[["x", "y"]].to_numpy(float)
    o_xy = opties[["x", "y"]].to_numpy(float).reshape(-1, 2)
    gidx = {c: i for i, c in enumerate(gem["gemeente_code"])}
    og = np.array([gidx[c] for c in opties["gemeente_code"]], dtype=np.int64)
    opp = None if grenzen is None else grenzen.area.to_numpy(float) / 1e6
    uit: dict[str, Reistijden] = {}
    for modus in VERVOERSWIJZEN:
        od = t.reistijden
        if od is not None and "modus" in od.columns:
            if not (od["modus"].astype(str).str.strip() == modus).any():
                log.info("geen reistijden voor '%s' in %s: geschat", modus, t.bron("reistijden"))
                od = None
        if od is None:
            uit[modus] = reistijdmatrix(g_xy, o_xy, og, modus=modus, oppervlak_km2=opp)
            continue
        matrix = reistijden_uit_tabel(
            od, gem["gemeente_code"].tolist(), modus=modus, bron=t.bron("reistijden")
        )
        uit[modus] = reistijdmatrix(
            g_xy, o_xy, og, modus=modus, od=matrix, bron=t.bron("reistijden")
        )
    return uit


def _grootteklasse(
    df: pd.DataFrame, bron: str, *, min_standaard: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """``min_personen`` and ``max_personen`` of each row, with ``min <= max`` checked."""
    grens = k.MAX_PER_EENHEID
    mn = k.geheel(df, "min_personen", bron, minimum=1, maximum=grens, standaard=min_standaard)
    mx = k.geheel(df, "max_personen", bron, minimum=1, maximum=grens)
    for i in np.flatnonzero(mx < mn).tolist():
        meld(
            InvoerFout(
                f"max_personen is kleiner dan min_personen ({mn[i]})",
                bestand=bron,
                rij=k.rijnummer(i),
                kolom="max_personen",
                waarde=int(mx[i]),
            )
        )
    return mn, mx


def _regulier(t: RondeTabellen, gem: pd.DataFrame, gidx: dict[str, int]) -> pd.DataFrame:
    df, bron = t.woningaanbod, t.bron("woningaanbod")
    codes = k.tekst(df, "gemeente_code", bron)
    g = k.bekende_codes(codes, gidx, "gemeente_code", bron)
    mn, mx = _grootteklasse(df, bron, min_standaard=None)
    woningen = k.geheel(df, "woningen", bron, maximum=k.MAX_EENHEDEN)
    delen = k.geheel(df, "max_per_woning", bron, minimum=1, maximum=k.MAX_PER_EENHEID, standaard=1)
    return pd.DataFrame(
        {
            "aanbod_id": k.tekst(df, "aanbod_id", bron),
            "soort": "regulier",
            "naam": "",
            "gemeente_code": codes,
            "x": gem["x"].to_numpy()[g] if len(g) else np.empty(0),
            "y": gem["y"].to_numpy()[g] if len(g) else np.empty(0),
            "min_personen": mn,
            "max_personen": mx,
            "eenheden_totaal": woningen,
            "eenheden": woningen,
            "max_per_eenheid": delen,
            "capaciteit_personen": woningen * np.maximum(mx, delen),
            "max_aandeel_vh": 1.0,
            "beschikbaar_vanaf": k.datum(df, "beschikbaar_vanaf", bron),
            "beschikbaar_tot": np.full(len(df), np.datetime64("NaT"), dtype="datetime64[D]"),
        }
    )


#: Distance (m) within which a flexible site may lie outside the gemeente it claims:
#: generalised boundaries are off by tens to hundreds of metres near a border.
FLEX_GRENS_TOLERANTIE_M = 250.0


def _flex(
    t: RondeTabellen, gidx: dict[str, int], gem: pd.DataFrame, grenzen: gpd.GeoSeries | None
) -> pd.DataFrame:
    df, bron = t.flexlocaties, t.bron("flexlocaties")
    assert df is not None
    codes = k.tekst(df, "gemeente_code", bron)
    k.bekende_codes(codes, gidx, "gemeente_code", bron)
    x, y, _ = _punten(df, bron)
    if grenzen is not None and len(df) and not heeft_fouten(bron):
        # A site must lie in the gemeente its row claims (reported by row otherwise).
        koppel_aan_gemeenten(
            gpd.GeoDataFrame({"gemeente_code": codes}, geometry=gpd.points_from_xy(x, y), crs=RD),
            gpd.GeoDataFrame(gem[["gemeente_code", "gemeente_naam"]], geometry=grenzen, crs=RD),
            bron=bron,
            tolerantie_m=FLEX_GRENS_TOLERANTIE_M,
        )
    eenheden = k.geheel(df, "eenheden", bron, maximum=k.MAX_EENHEDEN)
    aandeel = k.getal(
        df, "max_aandeel_vh", bron, minimum=0.0, minimum_exclusief=True, maximum=1.0, standaard=1.0
    )
    mn, mx = _grootteklasse(df, bron, min_standaard=1)
    vanaf = k.datum(df, "beschikbaar_vanaf", bron)
    tot = k.datum(df, "beschikbaar_tot", bron, verplicht=False)
    for i in np.flatnonzero(~np.isnat(tot) & (tot <= vanaf)).tolist():
        meld(
            InvoerFout(
                "datums in verkeerde volgorde: beschikbaar_tot ligt niet na "
                f"beschikbaar_vanaf ({vanaf[i]})",
                bestand=bron,
                rij=k.rijnummer(i),
                kolom="beschikbaar_tot",
                waarde=str(tot[i]),
            )
        )
    # Units open to vergunninghouders: floor(share x units), robust to float noise (0.5*282).
    vh = np.array(
        [math.floor(a * e + 1e-9) for a, e in zip(aandeel, eenheden, strict=True)], dtype=np.int64
    )
    namen = k.tekst(df, "naam", bron, verplicht=False, vrij=True)
    return pd.DataFrame(
        {
            "aanbod_id": k.tekst(df, "aanbod_id", bron),
            "soort": "flex",
            "naam": namen,
            "gemeente_code": codes,
            "x": x,
            "y": y,
            "min_personen": mn,
            "max_personen": mx,
            "eenheden_totaal": eenheden,
            "eenheden": vh,
            "max_per_eenheid": k.geheel(
                df, "max_per_eenheid", bron, minimum=1, maximum=k.MAX_PER_EENHEID, standaard=1
            ),
            "capaciteit_personen": k.geheel(
                df, "capaciteit_personen", bron, maximum=k.MAX_PERSONEN_TELLING
            ),
            "max_aandeel_vh": aandeel,
            "beschikbaar_vanaf": vanaf,
            "beschikbaar_tot": tot,
        }
    )


def _regiocapaciteit(t: RondeTabellen, gem: pd.DataFrame) -> pd.DataFrame:
    leeg = pd.DataFrame({"regio_soort": [], "regio_code": [], "max_personen": []})
    df, bron = t.regiocapaciteit, t.bron("regiocapaciteit")
    if df is None:
        return leeg.astype({"max_personen": np.int64})
    soort = k.keuze(df, "regio_soort", bron, REGIOSOORTEN, wat="regiosoort")
    code = k.tekst(df, "regio_code", bron)
    for i, (s, c) in enumerate(zip(soort.tolist(), code.tolist(), strict=True)):
        if s in REGIOSOORTEN and c not in set(gem[REGIOSOORTEN[s]]):
            meld(
                InvoerFout(
                    f"onbekende regiocode: geen gemeente ligt in deze {s}",
                    bestand=bron,
                    rij=k.rijnummer(i),
                    kolom="regio_code",
                    waarde=c,
                )
            )
    sleutel = np.array([f"{s}/{c}" for s, c in zip(soort, code, strict=True)], dtype=object)
    k.uniek(sleutel, "regio_code", bron)
    return pd.DataFrame(
        {
            "regio_soort": soort,
            "regio_code": code,
            "max_personen": k.geheel(df, "max_personen", bron, maximum=k.MAX_PERSONEN_TELLING),
        }
    )


VASTLEGGING_SOORTEN = ("vast", "verbod")


def _vastleggingdeel(
    df: pd.DataFrame,
    bron: str,
    hh: pd.DataFrame,
    optie_gemeente: dict[str, str],
    gidx: dict[str, int],
) -> pd.DataFrame:
    """Check the rows of one table of locks and bans on their own and type them.

    A row names a household and an option (``aanbod_id``), a gemeente
    (``gemeente_code``) or both (then the option must lie in that gemeente);
    ``gemeente_code`` is filled in from the option when empty.
    """
    k.eis_kolommen(
        df,
        ["huishouden_id", "soort"],
        bron,
        optioneel=["aanbod_id", "gemeente_code", "toelichting"],
    )
    ids = k.tekst(df, "huishouden_id", bron)
    k.bekende_codes(
        ids,
        {h: i for i, h in enumerate(hh["huishouden_id"])},
        "huishouden_id",
        bron,
        onbekend="onbekend huishouden: staat niet in de huishoudentabel",
    )
    aanbod = k.tekst(df, "aanbod_id", bron, verplicht=False)
    codes = k.tekst(df, "gemeente_code", bron, verplicht=False)
    k.bekende_codes(codes, gidx, "gemeente_code", bron, leeg_mag=True)
    soort = k.keuze(df, "soort", bron, VASTLEGGING_SOORTEN, wat="soort vastlegging")
    gemeente = codes.copy()
    for i, (a, g) in enumerate(zip(aanbod.tolist(), codes.tolist(), strict=True)):
        if not a and not g:
            raise InvoerFout(
                "geen aanbod_id en geen gemeente_code; geef een optie, een gemeente of allebei",
                bestand=bron,
                rij=k.rijnummer(i),
                kolom="aanbod_id",
            )
        if not a:
            continue
        if a not in optie_gemeente:
            raise InvoerFout(
                "onbekende aanbod_id: staat niet in woningaanbod of flexlocaties",
                bestand=bron,
                rij=k.rijnummer(i),
                kolom="aanbod_id",
                waarde=a,
            )
        if g and optie_gemeente[a] != g:
            raise InvoerFout(
                f"aanbod_id ligt in gemeente {optie_gemeente[a]}, niet in de opgegeven "
                f"gemeente_code {g}; corrigeer een van beide of laat gemeente_code leeg",
                bestand=bron,
                rij=k.rijnummer(i),
                kolom="aanbod_id",
                waarde=a,
            )
        gemeente[i] = optie_gemeente[a]
    return pd.DataFrame(
        {
            "huishouden_id": pd.Series(ids, dtype=object),
            "aanbod_id": pd.Series(aanbod, dtype=object),
            "gemeente_code": pd.Series(gemeente, dtype=object),
            "soort": pd.Series(soort, dtype=object),
            "toelichting": pd.Series(
                k.tekst(df, "toelichting", bron, verplicht=False, vrij=True), dtype=object
            ),
        }
    )


def _vastleggingen(
    t: RondeTabellen,
    hh: pd.DataFrame,
    opties: pd.DataFrame,
    gidx: dict[str, int],
    erbij: Sequence[tuple[pd.DataFrame, str]] = (),
) -> pd.DataFrame:
    """Check the locks and bans set by hand (``vastleggingen``) and type them.

    The round's own table comes first, then each ``(table, source)`` of
    ``erbij`` (e.g. the locks set in the web application). Each table is checked
    on its own (`_vastleggingdeel`, errors name its source), then all together:
    at most one ``vast`` row per household, and no ``verbod`` row may exclude
    what a ``vast`` row of the same household prescribes. An error names the
    source and row of the later row, and the source and row it conflicts with.
    """
    delen = [] if t.vastleggingen is None else [(t.vastleggingen, t.bron("vastleggingen"))]
    delen.extend(erbij)
    if not delen:
        return lege_vastleggingen()
    optie_gemeente = dict(zip(opties["aanbod_id"], opties["gemeente_code"], strict=True))
    getypt = [_vastleggingdeel(df, bron, hh, optie_gemeente, gidx) for df, bron in delen]
    # Where each row came from: (source, spreadsheet row).
    herkomst = [(bron, k.rijnummer(i)) for (df, bron) in delen for i in range(len(df))]
    vl = pd.concat(getypt, ignore_index=True) if len(getypt) > 1 else getypt[0]
    ids, soort = vl["huishouden_id"].tolist(), vl["soort"].tolist()
    aanbod, gemeente = vl["aanbod_id"].tolist(), vl["gemeente_code"].tolist()

    def waar(j: int, i: int) -> str:
        """Row ``j`` as seen from row ``i``: its number, with its source when that differs."""
        bron_j, rij_j = herkomst[j]
        return f"rij {rij_j}" if bron_j == herkomst[i][0] else f"rij {rij_j} van {bron_j}"

    vast: dict[str, int] = {}
    for i, (h, s) in enumerate(zip(ids, soort, strict=True)):
        if s != "vast":
            continue
        if h in vast:
            raise InvoerFout(
                f"huishouden is al vastgelegd in {waar(vast[h], i)}; een huishouden "
                "heeft hoogstens één vastlegging (soort vast)",
                bestand=herkomst[i][0],
                rij=herkomst[i][1],
                kolom="huishouden_id",
                waarde=h,
            )
        vast[h] = i
    for i, (h, s) in enumerate(zip(ids, soort, strict=True)):
        j = vast.get(h)
        if s != "verbod" or j is None:
            continue
        # The ban contradicts the lock when it excludes the whole lock target.
        zelfde_optie = aanbod[i] != "" and aanbod[i] == aanbod[j]
        hele_gemeente = aanbod[i] == "" and gemeente[i] == gemeente[j]
        if zelfde_optie or hele_gemeente:
            doel = aanbod[j] or f"gemeente {gemeente[j]}"
            # Blame the ban; across sources blame the later source's row (the new one).
            if herkomst[i][0] == herkomst[j][0] or i > j:
                bericht = (
                    f"dit verbod spreekt de vastlegging van dit huishouden op {doel} in "
                    f"{waar(j, i)} tegen; verwijder een van beide"
                )
                r = i
            else:
                bericht = (
                    f"deze vastlegging op {doel} wordt tegengesproken door het verbod in "
                    f"{waar(i, j)}; verwijder een van beide"
                )
                r = j
            raise InvoerFout(
                bericht, bestand=herkomst[r][0], rij=herkomst[r][1], kolom="soort", waarde=soort[r]
            )
    return vl


def valideer(
    tabellen: RondeTabellen,
    *,
    naam: str,
    periode: str,
    preset: ModelPreset,
    solver: SolverOpties | None = None,
    hashes: dict[str, str] | None = None,
    vastleggingen_erbij: Sequence[tuple[pd.DataFrame, str]] = (),
) -> Instance:
    """Check every table and build the frozen `Instance`.

    ``vastleggingen_erbij`` are more tables of locks and bans, each with the
    name of its source for messages, checked as the round's own
    ``vastleggingen`` and together with it (`_vastleggingen`).

    Raises
    ------
    InvoerFout
        The problem found, naming file, row, column and value; an
        `allocatie.kern.errors.InvoerFouten` when there are several (every bad
        cell of every table, up to a cap; a missing column or table ends the
        check early).
    """
    with verzamel():
        return _valideer(
            tabellen,
            naam=naam,
            periode=periode,
            preset=preset,
            solver=solver,
            hashes=hashes,
            vastleggingen_erbij=vastleggingen_erbij,
        )


def _valideer(
    tabellen: RondeTabellen,
    *,
    naam: str,
    periode: str,
    preset: ModelPreset,
    solver: SolverOpties | None,
    hashes: dict[str, str] | None,
    vastleggingen_erbij: Sequence[tuple[pd.DataFrame, str]],
) -> Instance:
    """`valideer` without its collection of errors."""
    controleer_tabellen(tabellen)
    gem, grenzen = _gemeenten(tabellen)
    # Every other table refers to the gemeente codes: with a bad gemeententabel their
    # checks would only repeat its errors.
    stop_bij_fouten()
    gidx = {c: i for i, c in enumerate(gem["gemeente_code"])}
    gem = _taakstelling(tabellen, gem)
    hh = _huishoudens(tabellen, gidx, preset.reistijd.standaard_vervoer)
    delen = [_regulier(tabellen, gem, gidx)]
    if tabellen.flexlocaties is not None:
        delen.append(_flex(tabellen, gidx, gem, grenzen))
    opties = pd.concat(delen, ignore_index=True) if len(delen) > 1 else delen[0]
    # aanbod_id is unique over regular supply and flexible sites together.
    ids = opties["aanbod_id"].to_numpy(dtype=object)
    n_regulier = len(delen[0])
    gezien: dict[str, int] = {}
    for i, a in enumerate(ids.tolist()):
        if a in gezien:
            in_flex = i >= n_regulier
            meld(
                InvoerFout(
                    "dubbele aanbod_id (uniek over woningaanbod en flexlocaties samen)",
                    bestand=tabellen.bron("flexlocaties" if in_flex else "woningaanbod"),
                    rij=k.rijnummer(i - n_regulier if in_flex else i),
                    kolom="aanbod_id",
                    waarde=a,
                )
            )
            continue
        gezien[a] = i
    # Persons the gemeente's own supply can take at most (for the fairness level).
    per_eenheid = np.maximum(opties["max_personen"], opties["max_per_eenheid"])
    plaatsen = np.minimum(opties["capaciteit_personen"], opties["eenheden"] * per_eenheid)
    og = np.array([gidx[c] for c in opties["gemeente_code"]], dtype=np.int64)
    gem["aanbod_personen"] = np.bincount(
        og, weights=plaatsen.to_numpy(float), minlength=len(gem)
    ).astype(np.int64)
    return Instance(
        naam=naam,
        periode=Periode.parse(periode),
        gemeenten=gem,
        huishoudens=hh,
        opties=opties,
        regiocapaciteit=_regiocapaciteit(tabellen, gem),
        preset=preset,
        solver=solver or SolverOpties(),
        reistijden=_reistijden(tabellen, gem, opties, grenzen),
        grenzen=grenzen,
        vastleggingen=_vastleggingen(tabellen, hh, opties, gidx, vastleggingen_erbij),
        bronnen=dict(tabellen.bronnen),
        hashes=dict(hashes or {}),
    )

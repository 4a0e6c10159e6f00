"""Reading a round archive, and the next period's carry-over from it.

`lees_archief` reads an archive written by `allocatie.reports.archief.schrijf_archief`;
`vorige_uit_archief` turns it into the previous-period table that
`allocatie.ronde.taakstelling.pas_overloop_toe` takes, so the carry-over rule lives in
one place only; `lees_vorige_periode` accepts an archive or a taakstelling CSV.

The reader is input: `allocatie.invoer.vorige` and the taakstelling of the next round
read an archive. It imports nothing of the result or the reports, so the
writer (`allocatie.reports.archief`) may import it and not the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio

from allocatie.archief.formaat import ARCHIEF_VERSIE, INVOER_CIJFERS, LAGEN, PadLike
from allocatie.io import kolommen as k
from allocatie.kern.errors import InvoerFout
from allocatie.kern.periode import Periode
from allocatie.ronde.taakstelling import KOLOMMEN_TAAKSTELLING, lees_vorige
from allocatie.solvers.base import Status

__all__ = [
    "RondeArchief",
    "is_geopackage",
    "lees_archief",
    "lees_vorige_periode",
    "volgende_periode",
    "vorige_uit_archief",
]

_SQLITE = b"SQLite format 3\x00"


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
            "geen GeoPackage; een rondearchief is het GeoPackage (ronde.gpkg) dat "
            "'allocatie ronde' in zijn uitvoermap schrijft",
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
        # ``layer_styles`` is QGIS's table of map styles, not round data.
        lagen = {n: pyogrio.read_dataframe(pad, layer=n) for n in namen if n != "layer_styles"}
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
    """The previous-period table of `taakstelling.pas_overloop_toe`, from an archive.

    Per gemeente: the archived round's ``taakstelling``, ``achterstand`` and
    ``voorsprong``, and as ``gerealiseerd`` what was realised before the round
    plus what the round placed. `pas_overloop_toe` then carries over the saldo
    ``taakstelling + achterstand - voorsprong - gerealiseerd``: the round's
    shortfall becomes the next achterstand, placements beyond the corrected task
    (and a voorsprong the round did not use up) the next voorsprong. A round
    with taakstelling swaps (``ruil_af``, ``ruil_bij``) hands over its
    ``taakstelling`` after the swaps (``taakstelling - ruil_af + ruil_bij``):
    a swap is an agreement between gemeenten, so the next achterstand is
    measured against the task each gemeente took on.

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
    basis = (*INVOER_CIJFERS, "geplaatst")
    k.eis_kolommen(g, ("gemeente_code", *basis), bron)
    t, achter, voor, real, gepl = (k.geheel(g, kol, bron, exact=True) for kol in basis)
    # Taakstelling swaps (Huisvestingswet art. 29(2)) are agreements between gemeenten:
    # the carry-over is against the task after the swap. Older archives have no swaps.
    af, bij = (
        k.geheel(g, kol, bron, exact=True) if kol in g.columns else np.zeros_like(t)
        for kol in ("ruil_af", "ruil_bij")
    )
    gecorrigeerd = t + achter - voor
    saldo = gecorrigeerd - af + bij - real - gepl
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
            "taakstelling": (t - af + bij).tolist(),  # the task after swaps
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
    `vorige_uit_archief`, anything else with `allocatie.ronde.taakstelling.lees_vorige`.
    """
    archief = is_geopackage(pad) or Path(pad).suffix.lower() == ".gpkg"
    return vorige_uit_archief(pad) if archief else lees_vorige(pad)

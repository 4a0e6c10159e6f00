"""Reading the tables of a toezicht folder: thin wrappers over the shared readers.

Every table is read as text by `allocatie.io.lezen.lees_csv` and parsed by the
column parsers of `allocatie.io.kolommen`, so messages name the file, row,
column and value the same way as for a round. Unknown columns and protected
attributes are refused with the shared schema checks (`allocatie.io.schema`);
the schemas of these tables live here (`SCHEMAS`) because only the toezicht
reads them. The columns are documented in ``docs/toezicht.md``.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from allocatie.io import kolommen as k
from allocatie.io.lezen import lees_csv
from allocatie.io.schema import (
    VRIJE_KOLOMMEN,
    Tabelschema,
    onbekend_bericht,
    weiger_beschermde_kenmerken,
)
from allocatie.kern.errors import InvoerFout

__all__ = [
    "SCHEMAS",
    "lees_art30",
    "lees_herindelingen",
    "lees_huisvestingen",
    "lees_koppelingen",
    "lees_nareizigers",
    "lees_provincies",
]

PadLike = str | os.PathLike[str]

#: Table name -> its columns (required, optional); free note columns are allowed.
SCHEMAS: dict[str, Tabelschema] = {
    "huisvestingen": Tabelschema(("huishouden_id", "gemeente_code", "datum", "personen")),
    "nareizigers": Tabelschema(
        ("groep_id", "referent_id", "personen", "aankomstdatum"), ("gemeente_code",)
    ),
    "koppelingen": Tabelschema(("gemeente_code", "koppeldatum", "personen"), ("koppeling_id",)),
    "herindelingen": Tabelschema(
        ("ingangsdatum", "oude_code", "nieuwe_code", "nieuwe_naam"), ("besluit",)
    ),
    "art30": Tabelschema(("gemeente_code", "gemeente_naam", "inwoners"), ("besluit",)),
    "provincies": Tabelschema(("gemeente_code", "provincie_code"), ("provincie_naam",)),
}


def _lees(pad: PadLike, tabel: str) -> tuple[pd.DataFrame, str]:
    """Read ``pad`` as text and refuse protected and unknown columns of ``tabel``."""
    bron = str(pad)
    schema = SCHEMAS[tabel]
    df = lees_csv(pad, kolommen=schema.kolommen)
    weiger_beschermde_kenmerken(df, bron)
    for kolom in df.columns:
        if not schema.bekend(str(kolom)):
            raise InvoerFout(
                onbekend_bericht(str(kolom), schema.kolommen, os.path.basename(bron))
                + f". Een kolom voor eigen aantekeningen heet {' of '.join(VRIJE_KOLOMMEN)}",
                bestand=bron,
                rij=1,
                kolom=str(kolom),
            )
    k.eis_kolommen(df, schema.verplicht, bron, optioneel=schema.optioneel)
    return df, bron


def _codes(df: pd.DataFrame, kolom: str, bron: str, *, verplicht: bool = True) -> np.ndarray:
    """A column of gemeente codes that may repeat (``GM`` + 4 digits)."""
    codes = k.tekst(df, kolom, bron, verplicht=verplicht)
    for i, c in enumerate(codes.tolist()):
        if c and not k.GEMEENTECODE.fullmatch(c):
            raise InvoerFout(
                "ongeldige gemeentecode; verwacht 'GM' gevolgd door 4 cijfers (bijv. GM0363)",
                bestand=bron,
                rij=k.rijnummer(i),
                kolom=kolom,
                waarde=c,
            )
    return codes


def _uit(kolommen: dict[str, object], bron: str) -> pd.DataFrame:
    uit = pd.DataFrame(kolommen)
    uit.attrs["bestand"] = bron
    return uit


def lees_huisvestingen(pad: PadLike) -> pd.DataFrame:
    """Households housed: ``huishouden_id``, ``gemeente_code``, ``datum``, ``personen``.

    ``personen`` counts the household as it moved in, without the nareiziger
    groups listed in ``nareizigers.csv`` (those are credited separately). Each
    household is housed once (unique id).
    """
    df, bron = _lees(pad, "huisvestingen")
    ids = k.tekst(df, "huishouden_id", bron)
    k.uniek(ids, "huishouden_id", bron, uitleg="een huishouden wordt één keer gehuisvest")
    return _uit(
        {
            "huishouden_id": ids,
            "gemeente_code": _codes(df, "gemeente_code", bron),
            "datum": k.datum(df, "datum", bron),
            "personen": k.geheel(df, "personen", bron, minimum=1),
        },
        bron,
    )


def lees_nareizigers(pad: PadLike) -> pd.DataFrame:
    """Nareiziger groups: ``groep_id``, ``referent_id``, ``personen``, ``aankomstdatum``.

    ``referent_id`` is the sponsor's ``huishouden_id``. The optional
    ``gemeente_code`` names the sponsor's gemeente when the sponsor was housed
    before the data in ``huisvestingen.csv`` starts (empty otherwise).
    """
    df, bron = _lees(pad, "nareizigers")
    ids = k.tekst(df, "groep_id", bron)
    k.uniek(ids, "groep_id", bron, uitleg="elke groep nareizigers komt één keer voor")
    return _uit(
        {
            "groep_id": ids,
            "referent_id": k.tekst(df, "referent_id", bron),
            "personen": k.geheel(df, "personen", bron, minimum=1),
            "aankomstdatum": k.datum(df, "aankomstdatum", bron),
            "gemeente_code": _codes(df, "gemeente_code", bron, verplicht=False),
        },
        bron,
    )


def lees_koppelingen(pad: PadLike) -> pd.DataFrame:
    """COA koppelingen: ``gemeente_code``, ``koppeldatum``, ``personen`` (one row per link)."""
    df, bron = _lees(pad, "koppelingen")
    return _uit(
        {
            "gemeente_code": _codes(df, "gemeente_code", bron),
            "koppeldatum": k.datum(df, "koppeldatum", bron),
            "personen": k.geheel(df, "personen", bron, minimum=1),
        },
        bron,
    )


def lees_herindelingen(pad: PadLike) -> pd.DataFrame:
    """Mergers: ``ingangsdatum``, ``oude_code``, ``nieuwe_code``, ``nieuwe_naam`` (one row per
    old gemeente). The checks of the mapping itself are in `allocatie.toezicht.wettelijk`."""
    df, bron = _lees(pad, "herindelingen")
    return _uit(
        {
            "ingangsdatum": k.datum(df, "ingangsdatum", bron),
            "oude_code": _codes(df, "oude_code", bron),
            "nieuwe_code": _codes(df, "nieuwe_code", bron),
            "nieuwe_naam": k.tekst(df, "nieuwe_naam", bron, vrij=True),
            "besluit": k.tekst(df, "besluit", bron, verplicht=False, vrij=True),
        },
        bron,
    )


def lees_art30(pad: PadLike) -> pd.DataFrame:
    """Population figures set by the province (Huisvestingswet 2014 art. 30) after a merger."""
    df, bron = _lees(pad, "art30")
    return _uit(
        {
            "gemeente_code": k.gemeentecodes(df, "gemeente_code", bron),
            "gemeente_naam": k.tekst(df, "gemeente_naam", bron, vrij=True),
            "inwoners": k.geheel(df, "inwoners", bron, minimum=1, exact=True),
            "besluit": k.tekst(df, "besluit", bron, verplicht=False, vrij=True),
        },
        bron,
    )


def lees_provincies(pad: PadLike) -> pd.DataFrame:
    """The provincie of each gemeente (codes of the last half-year)."""
    df, bron = _lees(pad, "provincies")
    codes = k.gemeentecodes(df, "gemeente_code", bron)
    prov = k.tekst(df, "provincie_code", bron)
    namen = k.tekst(df, "provincie_naam", bron, verplicht=False, vrij=True)
    return _uit(
        {
            "gemeente_code": codes,
            "provincie_code": prov,
            "provincie_naam": [n or p for n, p in zip(namen, prov, strict=True)],
        },
        bron,
    )

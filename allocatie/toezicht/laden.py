"""From ``toezicht.toml`` to a `Dossier`: read every file, apply the legal rules, compute.

The readers are the shared ones: `allocatie.ronde.taakstelling.lees_inwoners`
for CBS population tables, `allocatie.archief.lezen` for round archives and
for the opening balance, and the thin wrappers of `allocatie.toezicht.invoer`.
"""

from __future__ import annotations

import dataclasses
import logging
import warnings
from pathlib import Path

import pandas as pd

from allocatie.archief.lezen import (
    lees_archief,
    lees_vorige_periode,
    vorige_uit_archief,
)
from allocatie.kern.errors import AllocatieWaarschuwing, InvoerFout
from allocatie.ronde.taakstelling import lees_inwoners
from allocatie.toezicht import invoer
from allocatie.toezicht.config import PeriodeInvoer, ToezichtConfig, lees_toezicht
from allocatie.toezicht.dossier import Dossier, Halfjaar, bereken_dossier
from allocatie.toezicht.wettelijk import (
    Herindelingen,
    controleer_peiljaar,
    inwoners_voor_periode,
    taakstelling_met_herziening,
)

__all__ = ["invoerbestanden", "laad_dossier", "laad_halfjaar"]

logger = logging.getLogger(__name__)


def laad_halfjaar(p: PeriodeInvoer, herindelingen: Herindelingen) -> Halfjaar:
    """One half-year: its taakstelling from population and vg, or from a round archive."""
    if p.archief is not None:
        a = lees_archief(p.archief)
        if a.periode != p.periode.label:
            raise InvoerFout(
                f"het rondearchief is van {a.periode}, niet van {p.periode.label}",
                bestand=f"{a.pad}:ronde_metadata",
                kolom="ronde.periode",
                waarde=a.periode,
            )
        cijfers = vorige_uit_archief(a)  # taakstelling after swaps, realisation incl. placements
        g = a.lagen["invoer_gemeenten"].set_index("gemeente_code")
        codes = cijfers["gemeente_code"]
        taak = pd.DataFrame(
            {
                "gemeente_code": codes,
                "gemeente_naam": codes.map(g["gemeente_naam"]).fillna(codes),
                "inwoners": codes.map(g["inwoners"]) if "inwoners" in g.columns else pd.NA,
                "inwoners_bron": "rondearchief",
                "taakstelling_oorspronkelijk": cijfers["taakstelling"],
                "herziening": 0,
                "taakstelling": cijfers["taakstelling"],
            }
        )
        return Halfjaar(p.periode, taak, archief=cijfers, bron=str(p.archief))
    assert p.inwoners is not None and p.vg is not None and p.inwoners_peildatum is not None
    controleer_peiljaar(
        p.periode, p.inwoners_peildatum, afwijking=p.afwijkend_peiljaar, bron=str(p.inwoners)
    )
    cbs = lees_inwoners(p.inwoners)
    art30 = invoer.lees_art30(p.art30) if p.art30 is not None else None
    tabel = inwoners_voor_periode(cbs, p.periode, herindelingen, art30)
    inwoners_nl = p.inwoners_nl
    if inwoners_nl is None:
        inwoners_nl = sum(int(n) for n in cbs["inwoners"])
    taak = taakstelling_met_herziening(
        tabel[["gemeente_code", "gemeente_naam", "inwoners"]], p.vg, p.vg_herzien, inwoners_nl
    )
    taak["inwoners_bron"] = tabel["inwoners_bron"].to_numpy()
    return Halfjaar(p.periode, taak, bron=str(p.inwoners))


def invoerbestanden(config: ToezichtConfig) -> list[Path]:
    """Every file the configuration names (so that output never overwrites one)."""
    paden = [*config.bestanden.values()]
    if config.pad is not None:
        paden.append(config.pad)
    if config.beginstand is not None:
        paden.append(config.beginstand)
    for p in config.perioden:
        paden += [x for x in (p.inwoners, p.art30, p.archief) if x is not None]
    return paden


def laad_dossier(config: ToezichtConfig | str | Path) -> Dossier:
    """Read the files of a toezicht configuration and compute its `Dossier`.

    allocatie's warnings on the way (`PeiljaarWaarschuwing`, `OverloopWaarschuwing`)
    are not raised but listed in `Dossier.waarschuwingen` (shown in the report).

    Examples
    --------
    >>> d = laad_dossier("data/toezicht/toezicht.toml")  # doctest: +SKIP
    >>> d.overzicht(4)[["gemeente_code", "trede", "status"]]  # doctest: +SKIP
    """
    if not isinstance(config, ToezichtConfig):
        config = lees_toezicht(config)
    # allocatie's warnings (a deviating population year with its reason, an archive whose
    # opening balance differs from the chain) belong in the report: collect them.
    with warnings.catch_warnings(record=True) as gevangen:
        warnings.simplefilter("always", AllocatieWaarschuwing)
        dossier = _laad(config)
    meldingen = list(dossier.waarschuwingen)
    for w in gevangen:
        if issubclass(w.category, AllocatieWaarschuwing):
            if str(w.message) not in meldingen:
                meldingen.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return dataclasses.replace(dossier, waarschuwingen=meldingen)


def _laad(config: ToezichtConfig) -> Dossier:
    b = config.bestanden
    herindelingen = (
        Herindelingen.maak(invoer.lees_herindelingen(b["herindelingen"]))
        if "herindelingen" in b
        else Herindelingen.leeg()
    )
    halfjaren = [laad_halfjaar(p, herindelingen) for p in config.perioden]
    return bereken_dossier(
        halfjaren,
        huisvestingen=invoer.lees_huisvestingen(b["huisvestingen"])
        if "huisvestingen" in b
        else None,
        nareizigers=invoer.lees_nareizigers(b["nareizigers"]) if "nareizigers" in b else None,
        koppelingen=invoer.lees_koppelingen(b["koppelingen"]) if "koppelingen" in b else None,
        herindelingen=herindelingen,
        beginstand=lees_vorige_periode(config.beginstand)
        if config.beginstand is not None
        else None,
        ladder=config.ladder,
        kwartaal=config.kwartaal,
    )

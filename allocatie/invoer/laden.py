"""Entry points that build an `Instance`: from a round folder, or from DataFrames."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pandas as pd

from allocatie.invoer.validate import valideer
from allocatie.io.lezen import bestand_hash, lees_config, lees_tabellen
from allocatie.kern.errors import ConfiguratieFout, stop_bij_fouten, verzamel
from allocatie.kern.taal import aantal, huishoudens
from allocatie.kern.tabellen import RondeTabellen
from allocatie.kern.voortgang import Voortgang, fase
from allocatie.ronde.instance import Instance
from allocatie.ronde.presets import ModelPreset, laad_preset
from allocatie.solvers.base import SolverOpties


def solver_opties(waarden: dict[str, Any], basis: SolverOpties | None = None) -> SolverOpties:
    """Build `SolverOpties` from a dict (e.g. ``[solver]``); None values are skipped."""
    basis = basis or SolverOpties()
    bekend = {f.name for f in fields(SolverOpties)}
    for sleutel in waarden:
        if sleutel not in bekend:
            raise ConfiguratieFout(
                f"onbekende solveroptie; geldig zijn {', '.join(sorted(bekend))}", kolom=sleutel
            )
    return replace(basis, **{s: w for s, w in waarden.items() if w is not None})


def _valideer(tabellen: RondeTabellen, voortgang: Voortgang | None, **kwargs: Any) -> Instance:
    """`valideer` as the progress phase ``valideren``."""
    with fase(voortgang, "valideren", "Invoer controleren") as details:
        inst = valideer(tabellen, **kwargs)
        # Inside `laad_ronde`'s collection `valideer` only records its errors: raise
        # them here, so the phase shows as broken off before the error message.
        stop_bij_fouten()
        details.append(
            f"{aantal(len(inst.gemeenten), 'gemeente', 'gemeenten')}, "
            f"{huishoudens(inst.n_huishoudens)}, "
            f"{aantal(len(inst.opties), 'woonoptie', 'woonopties')}"
        )
    return inst


def laad_ronde(
    pad: str | Path,
    *,
    voortgang: Voortgang | None = None,
    model: str | Path | ModelPreset | None = None,
    vastleggingen_erbij: pd.DataFrame | None = None,
    bron_erbij: str = "vastleggingen (erbij)",
    **solver_overschrijving: Any,
) -> Instance:
    """Read and validate a round folder (or its ``ronde.toml``).

    Parameters
    ----------
    pad
        The round folder or its ``ronde.toml``.
    voortgang
        Receiver of progress events (`allocatie.kern.voortgang`): reading the files
        (``laden``) and validating them (``valideren``). None: no events.
    model
        A model preset (name in ``models/``, path to a ``.toml``, or a
        `ModelPreset`, e.g. ``laad_preset("standaard").met(...)``) that
        replaces ``[ronde] model`` of ``ronde.toml``; None keeps it.
    vastleggingen_erbij
        More locks and bans (columns as ``vastleggingen.csv``, ``data/SCHEMA.md``),
        e.g. those set in the web application. They are checked exactly as the
        round's own ``vastleggingen`` and together with them: an error names
        ``bron_erbij`` and the row (header is row 1), or the conflicting row of
        the round's file. None: only the round's own.
    bron_erbij
        The source of ``vastleggingen_erbij`` as error messages name it.
    **solver_overschrijving
        Solver options that override ``[solver]`` (``backend``, ``tijdslimiet_s``, ...).

    Examples
    --------
    >>> inst = laad_ronde("data/voorbeeld")  # doctest: +SKIP
    """
    # One collection for reading and checking: the errors of every file come together.
    with verzamel():
        with fase(voortgang, "laden", "Invoer inlezen") as details:
            config = lees_config(pad)
            try:
                preset = laad_preset(config.model, basis=config.map) if model is None else None
                solver = solver_opties(config.solver)
            except ConfiguratieFout as exc:
                if exc.bestand is not None:
                    raise
                # A bad value in ronde.toml: name the file (overrides are checked below,
                # without it).
                kolom = "ronde.model" if exc.kolom == "model" else exc.kolom
                raise ConfiguratieFout(
                    exc.bericht, bestand=config.rondebestand, kolom=kolom, waarde=exc.waarde
                ) from None
            if isinstance(model, ModelPreset):
                preset = model
            elif preset is None:  # given by the caller: its errors name its own file or name
                preset = laad_preset(str(model))
            # None means "not given" (the CLI passes every option): keep the ronde.toml value.
            solver = solver_opties(solver_overschrijving, basis=solver)
            tabellen = lees_tabellen(config)
            hashes = {naam: bestand_hash(p) for naam, p in config.bestanden.items()}
            details.append(aantal(len(config.bestanden), "bestand", "bestanden"))
        return _valideer(
            tabellen,
            voortgang,
            naam=config.naam,
            periode=config.periode,
            preset=preset,
            solver=solver,
            hashes=hashes,
            vastleggingen_erbij=()
            if vastleggingen_erbij is None
            else ((vastleggingen_erbij, bron_erbij),),
        )


def maak_instance(
    *,
    gemeenten: pd.DataFrame,
    taakstelling: pd.DataFrame,
    huishoudens: pd.DataFrame,
    woningaanbod: pd.DataFrame,
    flexlocaties: pd.DataFrame | None = None,
    regiocapaciteit: pd.DataFrame | None = None,
    reistijden: pd.DataFrame | None = None,
    vastleggingen: pd.DataFrame | None = None,
    naam: str = "ronde",
    periode: str = "2025-I",
    model: str | ModelPreset = "standaard",
    voortgang: Voortgang | None = None,
    **solver: Any,
) -> Instance:
    """Build an `Instance` from DataFrames (the Python API).

    The DataFrames follow ``data/SCHEMA.md``; ``gemeenten`` may be a
    GeoDataFrame with polygons or a DataFrame with ``x``/``y`` in RD metres;
    ``reistijden`` an origin-destination table (``van, naar, minuten[, modus]``)
    that replaces the travel-time estimate; ``vastleggingen`` the locks and
    bans set by hand (``huishouden_id, aanbod_id, gemeente_code, soort[,
    toelichting]``, see ``data/SCHEMA.md``). ``voortgang`` receives the
    progress events of validation (`allocatie.kern.voortgang`).
    """
    tabellen = RondeTabellen(
        gemeenten=gemeenten,
        taakstelling=taakstelling,
        huishoudens=huishoudens,
        woningaanbod=woningaanbod,
        flexlocaties=flexlocaties,
        regiocapaciteit=regiocapaciteit,
        reistijden=reistijden,
        vastleggingen=vastleggingen,
    )
    preset = model if isinstance(model, ModelPreset) else laad_preset(model)
    return _valideer(
        tabellen,
        voortgang,
        naam=naam,
        periode=periode,
        preset=preset,
        solver=solver_opties(solver),
    )

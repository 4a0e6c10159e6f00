"""Synthetic taakstelling (via the legal formula) with carry-over, and region caps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from allocatie.ronde.taakstelling import bereken_taakstelling

__all__ = ["INWONERS_NL", "genereer_regiocapaciteit", "genereer_taakstelling"]

INWONERS_NL = 17_942_942
"""CBS population of the Netherlands on 1 January 2024; the denominator of the formula
when the fictional territory is smaller than the country (so *vg* looks national)."""

AANDEEL_ACHTERSTAND = 0.40
AANDEEL_VOORSPRONG = 0.10
AANDEEL_GEREALISEERD = 0.30


def _kies_vg(inwoners: pd.DataFrame, doel: int, inwoners_nl: int) -> tuple[int, pd.Series]:
    """A *vg* whose taakstellingen sum to ``doel`` or as close to it as found."""
    aandeel = inwoners["inwoners"].sum() / inwoners_nl
    vg = max(0, round((doel - len(inwoners) / 2) / aandeel))
    beste: tuple[int, int, pd.Series] | None = None
    for _ in range(8):
        taak = bereken_taakstelling(inwoners, vg, inwoners_nl=inwoners_nl).tabel["taakstelling"]
        verschil = int(taak.sum()) - doel
        if beste is None or abs(verschil) < abs(beste[1]):
            beste = (vg, verschil, taak)
        if verschil == 0:
            break
        stap = round(verschil / aandeel) or int(np.sign(verschil))
        vg = max(0, vg - stap)
    assert beste is not None
    return beste[0], beste[2]


def genereer_taakstelling(
    rng: np.random.Generator,
    codes: np.ndarray,
    namen: list[str],
    inwoners: np.ndarray,
    doel_personen: int,
    *,
    vg: int | None = None,
    inwoners_nl: int | None = None,
) -> tuple[pd.DataFrame, int]:
    """Taakstelling per gemeente from the legal formula, plus carry-over and realisation.

    Parameters
    ----------
    rng
        Random state.
    codes, namen, inwoners
        Per gemeente: code, name and population.
    doel_personen
        What the taakstellingen should sum to (about the persons waiting); ignored
        when ``vg`` is given.
    vg
        The national number to use; default: one chosen to meet ``doel_personen``.
    inwoners_nl
        Denominator of the formula; default the CBS population of the Netherlands
        (`INWONERS_NL`) or the territory's, whichever is larger.

    Returns
    -------
    tabel : pandas.DataFrame
        Columns of ``taakstelling.csv``.
    vg : int
        The national number used.
    """
    invoer = pd.DataFrame(
        {"gemeente_code": codes, "gemeente_naam": namen, "inwoners": inwoners.astype(np.int64)}
    )
    if inwoners_nl is None:
        inwoners_nl = max(INWONERS_NL, int(inwoners.sum()))
    if vg is None:
        vg, taak_reeks = _kies_vg(invoer, max(0, doel_personen), inwoners_nl)
    else:
        taak_reeks = bereken_taakstelling(invoer, vg, inwoners_nl=inwoners_nl).tabel["taakstelling"]
    taak = taak_reeks.to_numpy(dtype=np.int64)
    g = len(codes)
    soort = rng.random(g)
    achter = soort < AANDEEL_ACHTERSTAND
    voor = (soort >= AANDEEL_ACHTERSTAND) & (soort < AANDEEL_ACHTERSTAND + AANDEEL_VOORSPRONG)
    achterstand = np.where(achter, np.maximum(1, np.round(taak * rng.uniform(0.05, 0.5, g))), 0)
    voorsprong = np.where(voor, np.round(taak * rng.uniform(0.05, 0.3, g)), 0)
    al = rng.random(g) < AANDEEL_GEREALISEERD
    gerealiseerd = np.where(al, np.round(taak * rng.uniform(0.05, 0.25, g)), 0)
    tabel = pd.DataFrame(
        {
            "gemeente_code": pd.Series(codes, dtype="str"),
            "taakstelling": taak,
            "achterstand": achterstand.astype(np.int64),
            "voorsprong": voorsprong.astype(np.int64),
            "gerealiseerd": gerealiseerd.astype(np.int64),
        }
    )
    return tabel, vg


def genereer_regiocapaciteit(
    arbeidsmarktregio: np.ndarray, opgave: np.ndarray, aandeel: float
) -> pd.DataFrame:
    """Cap the arbeidsmarktregio with the largest remaining need at ``aandeel`` of it.

    Parameters
    ----------
    arbeidsmarktregio
        Per gemeente its arbeidsmarktregio code.
    opgave
        Per gemeente its remaining need in persons.
    aandeel
        The cap as a share of the region's summed need.

    Returns
    -------
    pandas.DataFrame
        One row of ``regiocapaciteit.csv``.
    """
    regio, index = np.unique(arbeidsmarktregio, return_inverse=True)
    som = np.bincount(index, weights=opgave, minlength=len(regio))
    grootste = int(np.argmax(som))
    return pd.DataFrame(
        {
            "regio_soort": pd.Series(["arbeidsmarktregio"], dtype="str"),
            "regio_code": pd.Series([str(regio[grootste])], dtype="str"),
            "max_personen": np.array(
                [max(1, int(np.floor(aandeel * som[grootste])))], dtype=np.int64
            ),
        }
    )

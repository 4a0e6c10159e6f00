"""Fictional, Dutch-sounding place names composed from syllables."""

from __future__ import annotations

import numpy as np

__all__ = ["gemeentenamen", "locatienamen"]

_BEGIN = (
    "Ber", "Wes", "Hoo", "Dal", "Lin", "Mar", "Ven", "Ros", "Eem", "Wal", "Brak", "Zand",
    "Heu", "Lee", "Dor", "Ker", "Hol", "Vla", "Rijn", "Gel", "Zwa", "Aar", "Bos", "Haar",
    "Lut", "Mid", "Nij", "Olde", "Put", "Rut", "Sted", "Tes", "Uit", "Vel", "Wier", "Ylst",
    "Ever", "Gra", "Kam", "Lo", "Mepp", "Ooster", "Raal", "Swol", "Tjon", "Wolde", "Zee",
)  # fmt: skip
_MIDDEN = ("", "", "", "e", "en", "er", "el", "s", "ke", "de")
_EIND = (
    "dam", "dijk", "veen", "horst", "broek", "hoven", "wijk", "burg", "sloot", "kerk", "lo",
    "um", "zijl", "wolde", "rade", "hout", "meer", "haven", "ingen", "donk", "beek", "dorp",
    "loo", "naar", "rode", "vliet", "hem", "schoten", "berg", "bergen", "voorde", "heide",
)  # fmt: skip
_VOORZETSEL = ("Nieuw-", "Oud-", "Groot-", "Sint-", "Oost-", "West-")

_LOCATIESOORT = (
    "Startblok", "Tijdelijk wonen", "Wooncampus", "Paviljoens", "Doorstroomlocatie", "Flexhof",
)  # fmt: skip


def gemeentenamen(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` unique fictional gemeente names.

    Parameters
    ----------
    rng
        Random state.
    n
        Number of names.

    Returns
    -------
    list of str
    """
    namen: list[str] = []
    gezien: set[str] = set()
    while len(namen) < n:
        m = 2 * (n - len(namen)) + 8
        begin = rng.integers(0, len(_BEGIN), m)
        midden = rng.integers(0, len(_MIDDEN), m)
        eind = rng.integers(0, len(_EIND), m)
        voor = rng.random(m) < 0.08
        voorzetsel = rng.integers(0, len(_VOORZETSEL), m)
        for b, md, e, v, vz in zip(begin, midden, eind, voor, voorzetsel, strict=True):
            naam = _BEGIN[b] + _MIDDEN[md] + _EIND[e]
            naam = naam[0] + naam[1:].lower()
            if v:
                naam = _VOORZETSEL[vz] + naam
            if naam not in gezien and len(namen) < n:
                gezien.add(naam)
                namen.append(naam)
    return namen


def locatienamen(rng: np.random.Generator, plaatsen: list[str]) -> list[str]:
    """A name per flexible site, e.g. ``"Startblok Berdam"``, unique within the list."""
    soort = rng.integers(0, len(_LOCATIESOORT), len(plaatsen))
    namen: list[str] = []
    for s, plaats in zip(soort, plaatsen, strict=True):
        basis = f"{_LOCATIESOORT[s]} {plaats}"
        naam, volgnummer = basis, 2
        while naam in namen:
            naam, volgnummer = f"{basis} {volgnummer}", volgnummer + 1
        namen.append(naam)
    return namen

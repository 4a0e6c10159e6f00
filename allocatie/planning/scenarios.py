r"""Inflow scenarios for flex capacity planning: periods, a seeded generator and CSV I/O.

A scenario gives, per region ``r``, half-year ``t`` and size class ``k``, the
persons newly needing a home (``instroom``) and the persons that regular homes
becoming available can house (``aanbod``). Scenarios come from a user's CSV
(`lees_scenarios`, written by `schrijf_scenarios`) or from the generator
`genereer_scenarios`, which perturbs a base path (`Basispad`) with shocks
(`Schokken`). The user documentation is ``docs/scenarios.md``.

The generating process
----------------------
For scenario ``s`` with its own random stream (see below), periods
``t = 0, ..., T-1``, base national persons ``N_t``, region shares ``alpha_r``,
base composition ``b_k`` (``b_1``: singles) and base regular supply ``A_rtk``:

1. National level, log-AR(1), started at 0 and mean-corrected so that
   ``E[a_t] = 1``::

       z_t = phi * z_{t-1} + sigma * e_t,   z_{-1} = 0,   e_t ~ N(0, 1)
       v_t = sigma^2 * (1 + phi^2 + ... + phi^(2t))
       a_t = exp(z_t - v_t / 2)

2. Persistent level shifts. In every period, independently, a cut happens with
   probability ``kans_korting`` and a surge with probability ``kans_piek``
   (both may happen in one period)::

       c_t = U[korting_min, korting_max] if a cut happens in t, else 0
       p_t = U[piek_min, piek_max]       if a surge happens in t, else 0
       L_t = prod_{u <= t} (1 - c_u) * (1 + p_u)

   so ``E[L_t] = ((1 - kans_korting * mean cut) * (1 + kans_piek * mean
   surge))^(t+1)`` (`Schokken.verwachte_factor`).

3. National persons ``V_t = N_t * a_t * L_t``.

4. Regional noise redistributes ``V_t`` (it does not change the national
   total)::

       w_rt = alpha_r * exp(sigma_regio * eta_rt) / sum_q alpha_q * exp(sigma_regio * eta_qt)

5. Composition: the singles' share moves as a logit random walk from ``b_1``;
   the other classes keep their base proportions::

       logit(q_t) = logit(b_1) + sigma_samenstelling * (xi_0 + ... + xi_t)
       m_t1 = q_t,   m_tk = (1 - q_t) * b_k / (1 - b_1)  for k > 1

   (constant ``b`` when there is one class or ``b_1`` is 0 or 1).

6. ``instroom[s, r, t, k] = V_t * w_rt * m_tk``.

7. Regular supply, a mean-corrected lognormal AR(1) factor per region (the
   same for every class)::

       y_rt = phi_aanbod * y_r,t-1 + sigma_aanbod * zeta_rt,   y_r,-1 = 0
       aanbod[s, r, t, k] = A_rtk * exp(y_rt - v^a_t / 2)

All normal and uniform variates of scenario ``i`` are drawn, in a fixed order
and always all of them, from ``numpy.random.default_rng(SeedSequence(seed,
spawn_key=(i,)))``, which is child ``i`` of ``SeedSequence(seed).spawn(n)``.
Scenario ``i`` therefore depends only on ``(seed, i)``: batches generated
apart are identical to the same scenarios generated at once, and two shock
settings with the same seed share their random numbers (common random numbers
for sensitivity runs).

Examples
--------
>>> basis = Basispad(
...     regios=("Noord", "Zuid"),
...     perioden=perioden("2027-I", 2),
...     personen=[1000.0, 1000.0],
...     aandelen=[0.4, 0.6],
...     samenstelling=[0.5, 0.3, 0.2],
...     aanbod=[[150.0, 100.0, 80.0], [250.0, 150.0, 120.0]],
... )
>>> rustig = Schokken(sigma=0, kans_korting=0, kans_piek=0, sigma_regio=0,
...                   sigma_samenstelling=0, sigma_aanbod=0)
>>> s = genereer_scenarios(basis, rustig, aantal=2, seed=7)
>>> s.namen, s.instroom.shape
(('s001', 's002'), (2, 2, 2, 3))
>>> s.instroom[0, :, 0, :].tolist()  # without shocks: the base path itself
[[200.0, 120.0, 80.0], [300.0, 180.0, 120.0]]
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

from allocatie.io.atomisch import schrijf_csv_atomisch
from allocatie.io.csvlezer import lees_csv
from allocatie.io.kolommen import onzichtbaar_teken, rijnummer
from allocatie.io.notatie import als_getal, decimaalteken
from allocatie.io.schema import bedoelde_u, beschermd_kenmerk, is_vrije_kolom
from allocatie.kern.errors import ConfiguratieFout, InvoerFout
from allocatie.planning.gegevens import KLASSEN, Scenarioset

__all__ = [
    "KOLOMMEN",
    "Basispad",
    "Schokken",
    "genereer_scenarios",
    "lees_scenarios",
    "perioden",
    "schrijf_scenarios",
]

#: Columns of the scenario CSV, in the order the writer uses; ``kans`` is optional.
KOLOMMEN: tuple[str, ...] = ("scenario", "kans", "periode", "regio", "klasse", "instroom", "aanbod")
_PERIODE = re.compile(r"([0-9]{4})-(I|II)")
_TOLERANTIE = 1e-6


# --------------------------------------------------------------------------- periods


def perioden(eerste: str, aantal: int) -> tuple[str, ...]:
    """The labels of ``aantal`` consecutive half-years from ``eerste``.

    Parameters
    ----------
    eerste
        The first half-year, ``JJJJ-I`` (January-June) or ``JJJJ-II`` (July-December).
    aantal
        Number of periods, at least 1.

    Raises
    ------
    ConfiguratieFout
        For a label in another form or a count that is not a whole number >= 1.

    Examples
    --------
    >>> perioden("2027-II", 3)
    ('2027-II', '2028-I', '2028-II')
    """
    m = _PERIODE.fullmatch(eerste.strip()) if isinstance(eerste, str) else None
    if m is None:
        raise ConfiguratieFout(
            "ongeldige periode; verwacht JJJJ-I (januari-juni) of JJJJ-II (juli-december), "
            "bijv. 2027-I",
            waarde=eerste,
        )
    if isinstance(aantal, bool) or not isinstance(aantal, int) or aantal < 1:
        raise ConfiguratieFout("verwacht een geheel aantal perioden >= 1", waarde=aantal)
    start = 2 * int(m.group(1)) + (m.group(2) == "II")
    return tuple(f"{h // 2}-{'II' if h % 2 else 'I'}" for h in range(start, start + aantal))


# --------------------------------------------------------------------------- generator input


def _vector(waarde: object, kolom: str, vorm: tuple[int, ...], *, som_een: bool) -> np.ndarray:
    """A read-only float copy of ``waarde`` with shape ``vorm``, finite and >= 0."""
    try:
        a = np.array(waarde, dtype=float)
    except (TypeError, ValueError):
        raise ConfiguratieFout("verwacht getallen", kolom=kolom, waarde=waarde) from None
    if a.shape != vorm:
        raise ConfiguratieFout(f"verwacht vorm {vorm}", kolom=kolom, waarde=a.shape)
    if not np.all(np.isfinite(a)) or (a < 0).any():
        raise ConfiguratieFout("verwacht eindige getallen >= 0", kolom=kolom, waarde=a.tolist())
    if som_een and not math.isclose(a.sum(), 1.0, abs_tol=_TOLERANTIE):
        raise ConfiguratieFout(
            f"de aandelen tellen op tot {a.sum():.6g}; ze moeten samen 1 zijn", kolom=kolom
        )
    a.setflags(write=False)
    return a


def _labels(waarde: Sequence[str], kolom: str) -> tuple[str, ...]:
    labels = tuple(waarde)
    if not labels or len(set(labels)) != len(labels) or not all(isinstance(x, str) for x in labels):
        raise ConfiguratieFout("verwacht unieke namen (minstens één)", kolom=kolom, waarde=labels)
    return labels


@dataclass(frozen=True, eq=False)
class Basispad:
    """The central expectation that `genereer_scenarios` perturbs.

    Array-like arguments are copied to read-only float arrays.

    Attributes
    ----------
    regios, perioden
        Labels of the regions and half-years.
    personen
        National persons newly needing a home per period, shape (T,).
    aandelen
        Each region's share of the national inflow, shape (R,), summing to 1.
    samenstelling
        Share of the persons in each size class, shape (K,), summing to 1; the
        first class is the singles.
    aanbod
        Persons that regular supply houses per period, shape (R, K) (the same
        every period) or (R, T, K); stored as (R, T, K).
    klassen
        Size classes (default `allocatie.planning.gegevens.KLASSEN`).
    """

    regios: tuple[str, ...]
    perioden: tuple[str, ...]
    personen: np.ndarray
    aandelen: np.ndarray
    samenstelling: np.ndarray
    aanbod: np.ndarray
    klassen: tuple[str, ...] = KLASSEN

    def __post_init__(self) -> None:
        zet = object.__setattr__
        for naam in ("regios", "perioden", "klassen"):
            zet(self, naam, _labels(getattr(self, naam), f"basispad.{naam}"))
        r, t, k = len(self.regios), len(self.perioden), len(self.klassen)
        zet(self, "personen", _vector(self.personen, "basispad.personen", (t,), som_een=False))
        zet(self, "aandelen", _vector(self.aandelen, "basispad.aandelen", (r,), som_een=True))
        zet(
            self,
            "samenstelling",
            _vector(self.samenstelling, "basispad.samenstelling", (k,), som_een=True),
        )
        a = np.asarray(self.aanbod, dtype=float)
        if a.ndim == 2:
            a = np.repeat(a[:, None, :], t, axis=1)
        zet(self, "aanbod", _vector(a, "basispad.aanbod", (r, t, k), som_een=False))


@dataclass(frozen=True)
class Schokken:
    """The shocks `genereer_scenarios` applies to a `Basispad` (formulas: module docstring).

    The defaults reflect the national taakstelling since 2016: it went from
    23,000 (2016-II) to 6,000 (2019) and up to 27,300 planned for 2023-II, and
    the Minister cut a running period's number by 15-36% several times.

    Attributes
    ----------
    phi
        Persistence of the national level (log-AR(1)), in (-1, 1). 0.8: a
        deviation halves in about three half-years.
    sigma
        Standard deviation of the national level's log innovation per period.
        0.15 gives a long-run spread of about -22% to +28% (one sd) around the base.
    kans_korting
        Probability per period of a mid-period cut (about 3 in 20 half-years).
    korting_min, korting_max
        Range of a cut's fraction, drawn uniformly; 0.15-0.36 as seen in
        practice. A cut persists: the level stays lower from that period on.
    kans_piek
        Probability per period of a surge (a persistent rise).
    piek_min, piek_max
        Range of a surge's fraction, drawn uniformly (2023-I: +57%). With the
        defaults cuts and surges balance: ``verwachte_factor`` stays near 1.
    sigma_regio
        Standard deviation of independent lognormal regional noise per region
        and period; it redistributes the national total, never changes it.
    sigma_samenstelling
        Standard deviation per period of the logit random walk of the singles'
        share (0.1: from 0.55 the share typically moves ~0.025 per period).
    sigma_aanbod, phi_aanbod
        Standard deviation and persistence of the lognormal AR(1) factor on
        each region's regular supply.
    """

    phi: float = 0.8
    sigma: float = 0.15
    kans_korting: float = 0.15
    korting_min: float = 0.15
    korting_max: float = 0.36
    kans_piek: float = 0.10
    piek_min: float = 0.20
    piek_max: float = 0.60
    sigma_regio: float = 0.10
    sigma_samenstelling: float = 0.10
    sigma_aanbod: float = 0.10
    phi_aanbod: float = 0.5

    def __post_init__(self) -> None:
        for veld in fields(self):
            w = getattr(self, veld.name)
            if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w):
                raise ConfiguratieFout(
                    "verwacht een eindig getal", kolom=f"schokken.{veld.name}", waarde=w
                )
        grenzen = {
            "phi": (-1.0, 1.0, "-1 < phi < 1"),
            "phi_aanbod": (-1.0, 1.0, "-1 < phi_aanbod < 1"),
            "kans_korting": (0.0, 1.0, "0 <= kans_korting <= 1"),
            "kans_piek": (0.0, 1.0, "0 <= kans_piek <= 1"),
            "korting_min": (0.0, 1.0, "0 <= korting_min <= 1"),
            "korting_max": (0.0, 1.0, "0 <= korting_max <= 1"),
        }
        for veld in fields(self):
            w = getattr(self, veld.name)
            laag, hoog, tekst = grenzen.get(veld.name, (0.0, math.inf, f"{veld.name} >= 0"))
            open_ = veld.name.startswith("phi")
            if (w <= laag or w >= hoog) if open_ else (w < laag or w > hoog):
                raise ConfiguratieFout(f"verwacht {tekst}", kolom=f"schokken.{veld.name}", waarde=w)
        for soort in ("korting", "piek"):
            if getattr(self, f"{soort}_min") > getattr(self, f"{soort}_max"):
                raise ConfiguratieFout(
                    f"{soort}_min mag niet groter zijn dan {soort}_max",
                    kolom=f"schokken.{soort}_min",
                    waarde=getattr(self, f"{soort}_min"),
                )

    def verwachte_factor(self, t: int) -> float:
        """Expected level-shift factor ``E[L_t]`` in period ``t`` (0-based).

        The expected national volume in period ``t`` is the base times this
        (the log-AR(1) factor has mean 1).

        Examples
        --------
        >>> round(Schokken().verwachte_factor(9), 4)
        1.0022
        """
        korting = self.kans_korting * (self.korting_min + self.korting_max) / 2
        piek = self.kans_piek * (self.piek_min + self.piek_max) / 2
        return float(((1 - korting) * (1 + piek)) ** (t + 1))


# --------------------------------------------------------------------------- generator


def _ar1_factor(e: np.ndarray, phi: float, sigma: float) -> np.ndarray:
    """``exp(z_t - v_t/2)`` of a zero-started AR(1) along the last axis of ``e``."""
    z = np.zeros_like(e)
    v = np.zeros(e.shape[-1])
    vorige_z, vorige_v = np.zeros(e.shape[:-1]), 0.0
    for t in range(e.shape[-1]):
        vorige_z = phi * vorige_z + sigma * e[..., t]
        vorige_v = phi * phi * vorige_v + sigma * sigma
        z[..., t], v[t] = vorige_z, vorige_v
    return np.exp(z - v / 2)


def _scenario(basis: Basispad, sch: Schokken, seed: int, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Inflow and supply (R, T, K) of scenario ``i``: depends only on ``(seed, i)``."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
    r, t = len(basis.regios), len(basis.perioden)
    # Always draw everything, in this order, so each shock keeps its own numbers.
    e_land = rng.standard_normal(t)
    u_kort, v_kort, u_piek, v_piek = rng.random((4, t))
    e_regio = rng.standard_normal((r, t))
    e_samen = rng.standard_normal(t)
    e_aanbod = rng.standard_normal((r, t))

    korting = np.where(
        u_kort < sch.kans_korting, sch.korting_min + (sch.korting_max - sch.korting_min) * v_kort, 0
    )
    piek = np.where(
        u_piek < sch.kans_piek, sch.piek_min + (sch.piek_max - sch.piek_min) * v_piek, 0
    )
    niveau = np.cumprod((1 - korting) * (1 + piek))
    volume = basis.personen * _ar1_factor(e_land, sch.phi, sch.sigma) * niveau  # (T,)

    gewicht = basis.aandelen[:, None] * np.exp(sch.sigma_regio * e_regio)
    totaal = gewicht.sum(axis=0, keepdims=True)
    gewicht = np.divide(gewicht, totaal, out=np.zeros_like(gewicht), where=totaal > 0)

    b = basis.samenstelling
    mix = np.tile(b, (t, 1))  # (T, K)
    if len(b) > 1 and 0 < b[0] < 1:
        logit = math.log(b[0] / (1 - b[0])) + sch.sigma_samenstelling * np.cumsum(e_samen)
        alleen = 1 / (1 + np.exp(-logit))
        mix[:, 0] = alleen
        mix[:, 1:] = (1 - alleen)[:, None] * b[1:] / (1 - b[0])

    instroom = volume[None, :, None] * gewicht[:, :, None] * mix[None, :, :]
    aanbod = basis.aanbod * _ar1_factor(e_aanbod, sch.phi_aanbod, sch.sigma_aanbod)[:, :, None]
    return instroom, aanbod


def genereer_scenarios(
    basis: Basispad,
    schokken: Schokken,
    aantal: int,
    seed: int,
    *,
    indices: Iterable[int] | None = None,
) -> Scenarioset:
    """Generate ``aantal`` equally likely scenarios around ``basis`` (process: module docstring).

    Parameters
    ----------
    basis
        The base path.
    schokken
        The shocks.
    aantal
        Number of scenarios in the full set, at least 1.
    seed
        Non-negative whole number; the same seed gives the same scenarios.
    indices
        Generate only these scenarios of the full set (each in ``range(aantal)``),
        e.g. one batch per worker. Scenario ``i`` is the same whatever batch it
        is generated in; the probabilities of a batch are ``1 / len(indices)``,
        as `Scenarioset.deel` of the full set gives them.

    Returns
    -------
    Scenarioset
        Scenario names ``s001``, ``s002``, ... (``i + 1``, at least three digits).

    Examples
    --------
    >>> basis = Basispad(("A",), ("2027-I",), [100.0], [1.0], [0.6, 0.4], [[50.0, 40.0]],
    ...                  klassen=("alleenstaand", "gezin"))
    >>> alles = genereer_scenarios(basis, Schokken(), 4, seed=1)
    >>> deel = genereer_scenarios(basis, Schokken(), 4, seed=1, indices=[2, 3])
    >>> deel.namen, bool((deel.instroom == alles.instroom[2:]).all())
    (('s003', 's004'), True)
    """
    if isinstance(aantal, bool) or not isinstance(aantal, int | np.integer) or aantal < 1:
        raise ConfiguratieFout("verwacht een geheel aantal >= 1", kolom="aantal", waarde=aantal)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ConfiguratieFout("verwacht een geheel getal >= 0", kolom="seed", waarde=seed)
    idx = list(range(aantal)) if indices is None else [int(i) for i in indices]
    if not idx or any(not 0 <= i < aantal for i in idx) or len(set(idx)) != len(idx):
        raise ConfiguratieFout(
            f"verwacht verschillende scenarionummers van 0 tot en met {aantal - 1}",
            kolom="indices",
            waarde=idx if len(idx) <= 10 else [*idx[:10], "..."],
        )
    paren = [_scenario(basis, schokken, int(seed), i) for i in idx]
    return Scenarioset(
        regios=basis.regios,
        perioden=basis.perioden,
        klassen=basis.klassen,
        namen=tuple(f"s{i + 1:03d}" for i in idx),
        kansen=np.full(len(idx), 1.0 / len(idx)),
        instroom=np.stack([p[0] for p in paren]),
        aanbod=np.stack([p[1] for p in paren]),
    )


# --------------------------------------------------------------------------- CSV


def _opsomming(namen: Sequence[str], maximum: int = 20) -> str:
    meer = f", ... ({len(namen)} in totaal)" if len(namen) > maximum else ""
    return ", ".join(namen[:maximum]) + meer


def lees_scenarios(
    pad: str | os.PathLike[str],
    *,
    regios: Sequence[str],
    perioden: Sequence[str],
    klassen: Sequence[str],
) -> Scenarioset:
    """Read a scenario CSV in long format (one row per scenario, period, region, class).

    Columns ``scenario, kans, periode, regio, klasse, instroom, aanbod`` in any
    order; ``kans`` is optional (absent: equal probabilities) and, when given,
    repeated on every row of a scenario. Read by the shared reader
    (`allocatie.io.csvlezer.lees_csv`): a comma file with decimal points or a
    semicolon file (Dutch Excel) with decimal commas, decided by the header;
    numbers by `allocatie.io.notatie.als_getal`. Every combination of scenario,
    period, region and class appears exactly once.

    Parameters
    ----------
    pad
        The file.
    regios, perioden, klassen
        The valid labels, in the order of the result's axes.

    Returns
    -------
    Scenarioset
        Scenarios in the order of their first row.

    Raises
    ------
    InvoerFout
        Naming the file and, where one is at fault, the row (header = 1),
        column and value: a missing or unknown column, an empty cell, an unknown
        period, region or class, a number that is not one or is negative, a kans
        outside [0, 1] or differing within a scenario, kansen not summing to 1,
        a duplicate row or a missing combination.

    Examples
    --------
    >>> import tempfile
    >>> pad = Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = pad.write_text("scenario;periode;regio;klasse;instroom;aanbod\\n"
    ...                    "hoog;2027-I;A;alleenstaand;12,5;3\\n")
    >>> s = lees_scenarios(pad, regios=["A"], perioden=["2027-I"], klassen=["alleenstaand"])
    >>> s.namen, s.kansen.tolist(), s.instroom.ravel().tolist()
    (('hoog',), [1.0], [12.5])
    """
    bestand = Path(pad)
    tabel = lees_csv(bestand, kolommen=KOLOMMEN)
    decimaal = decimaalteken(tabel)
    kop = [str(c) for c in tabel.columns]
    rijen: list[list[str]] = tabel.to_numpy(dtype=object).tolist()
    kolom = _kolommen(kop, bestand)
    if not rijen:
        raise InvoerFout("geen scenario's: het bestand heeft alleen een kopregel", bestand=bestand)
    assen = {
        "periode": {p: i for i, p in enumerate(perioden)},
        "regio": {r: i for i, r in enumerate(regios)},
        "klasse": {k: i for i, k in enumerate(klassen)},
    }
    namen: dict[str, int] = {}
    kansen: list[tuple[float, int]] = []  # (kans, spreadsheet row where it was first given)
    plaats: dict[tuple[int, int, int, int], int] = {}  # (s, r, t, k) -> spreadsheet row
    waarden: list[tuple[float, float]] = []
    for i, record in enumerate(rijen):
        rij = rijnummer(i)
        cel = {naam: record[j] for naam, j in kolom.items()}

        def fout(bericht: str, naam: str | None, waarde: object = None, rij: int = rij) -> NoReturn:
            raise InvoerFout(bericht, bestand=bestand, rij=rij, kolom=naam, waarde=waarde)

        for naam, w in cel.items():
            if w == "":
                fout("lege cel; waarde verplicht", naam)
            probleem = onzichtbaar_teken(w)
            if probleem is not None:
                fout(f"{probleem}; verwijder het (de waarde is met escapes getoond)", naam, w)
        index: dict[str, int] = {}
        for naam, bekend in assen.items():
            if cel[naam] not in bekend:
                fout(f"onbekende {naam}; kies uit {_opsomming(list(bekend))}", naam, cel[naam])
            index[naam] = bekend[cel[naam]]
        getal: dict[str, float] = {}
        for naam in ("instroom", "aanbod", "kans"):
            x = als_getal(cel[naam], decimaal) if naam in cel else math.nan
            if isinstance(x, float) and (x < 0 or (naam == "kans" and x > 1)):
                x = "kans moet tussen 0 en 1 liggen" if naam == "kans" else "moet >= 0 zijn"
            if isinstance(x, str):
                fout(x, naam, cel[naam])
            getal[naam] = float(x)
        s = namen.setdefault(cel["scenario"], len(namen))
        if s == len(kansen):
            kansen.append((getal["kans"], rij))
        elif "kans" in cel and getal["kans"] != kansen[s][0]:
            fout(
                f"scenario '{cel['scenario']}' heeft in rij {kansen[s][1]} kans {kansen[s][0]:g}; "
                "geef op elke rij van een scenario dezelfde kans",
                "kans",
                cel["kans"],
            )
        sleutel = (s, index["regio"], index["periode"], index["klasse"])
        if sleutel in plaats:
            fout(
                f"dubbele rij: scenario, periode, regio en klasse staan ook in rij "
                f"{plaats[sleutel]}; elke combinatie mag één keer voorkomen",
                "scenario",
                cel["scenario"],
            )
        plaats[sleutel] = rij
        waarden.append((getal["instroom"], getal["aanbod"]))

    vorm = (len(namen), len(regios), len(perioden), len(klassen))
    instroom, aanbod, gevuld = np.zeros(vorm), np.zeros(vorm), np.zeros(vorm, dtype=bool)
    idx = tuple(np.array(list(plaats), dtype=np.int64).T)
    gevuld[idx] = True
    instroom[idx], aanbod[idx] = np.array(waarden).T
    if not gevuld.all():
        s, r, t, k = (int(x) for x in np.argwhere(~gevuld)[0])
        raise InvoerFout(
            f"ontbrekende combinatie: scenario '{list(namen)[s]}', periode '{perioden[t]}', "
            f"regio '{regios[r]}', klasse '{klassen[k]}' heeft geen rij ({int((~gevuld).sum())} "
            f"van de {gevuld.size} combinaties ontbreken); verwacht één rij per scenario, "
            "periode, regio en klasse",
            bestand=bestand,
        )
    return Scenarioset(
        regios=tuple(regios),
        perioden=tuple(perioden),
        klassen=tuple(klassen),
        namen=tuple(namen),
        kansen=_kansen(namen, [k for k, _ in kansen], "kans" in kolom, bestand),
        instroom=instroom,
        aanbod=aanbod,
    )


def _kolommen(kop: list[str], bestand: Path) -> dict[str, int]:
    """Column name -> position; unknown, repeated and missing columns raise."""
    kolom: dict[str, int] = {}
    for j, naam in enumerate(kop):
        kenmerk = beschermd_kenmerk(naam)
        if kenmerk is not None:
            raise InvoerFout(
                f"beschermd kenmerk ({kenmerk}) in {bestand.name}: nationaliteit, herkomst, "
                "etniciteit, religie en geslacht worden nergens ingelezen; verwijder deze kolom",
                bestand=bestand,
                rij=1,
                kolom=naam,
            )
        if is_vrije_kolom(naam):
            continue  # a note for people (data/SCHEMA.md, "Strikte invoer"): never read
        if naam not in KOLOMMEN:
            raise InvoerFout(
                f"onbekende kolom `{naam}` in {bestand.name}{bedoelde_u(naam, KOLOMMEN)}; geldig "
                f"zijn {', '.join(KOLOMMEN)} (kans is optioneel)",
                bestand=bestand,
                rij=1,
                kolom=naam,
            )
        if naam in kolom:
            raise InvoerFout("dubbele kolom in de kopregel", bestand=bestand, rij=1, kolom=naam)
        kolom[naam] = j
    for naam in KOLOMMEN:
        if naam != "kans" and naam not in kolom:
            raise InvoerFout(
                f"verplichte kolom ontbreekt (aanwezig: {', '.join(kop)}); verwacht de kolommen "
                f"{', '.join(KOLOMMEN)} (kans is optioneel)",
                bestand=bestand,
                rij=1,
                kolom=naam,
            )
    return kolom


def _kansen(namen: Iterable[str], kansen: list[float], gegeven: bool, bestand: Path) -> np.ndarray:
    """The scenario probabilities: as given (summing to 1) or, if not given, equal."""
    if not gegeven:
        return np.full(len(kansen), 1.0 / len(kansen))
    p = np.array(kansen)
    if not math.isclose(p.sum(), 1.0, abs_tol=_TOLERANTIE):
        per = ", ".join(f"{n} {k:g}" for n, k in list(zip(namen, kansen, strict=True))[:10])
        raise InvoerFout(
            f"de kansen van de {len(p)} scenario's tellen op tot {p.sum():.9g}, niet tot 1 "
            f"({per}{', ...' if len(p) > 10 else ''}); pas ze aan of laat de kolom kans weg "
            "voor gelijke kansen",
            bestand=bestand,
            kolom="kans",
        )
    return p


def _tekst_getal(x: float) -> str:
    """Shortest text that reads back as exactly ``x`` (``1200`` rather than ``1200.0``)."""
    t = repr(float(x))
    return t[:-2] if t.endswith(".0") else t


def schrijf_scenarios(scenarioset: Scenarioset, pad: str | os.PathLike[str]) -> Path:
    """Write ``scenarioset`` as a comma-separated scenario CSV, atomically.

    Rows are ordered by scenario, period, region and class; numbers are written
    so that `lees_scenarios` reads back exactly the same values.

    Examples
    --------
    >>> import tempfile
    >>> basis = Basispad(("A",), ("2027-I",), [10.0], [1.0], [1.0], [[4.0]], klassen=("alle",))
    >>> pad = schrijf_scenarios(genereer_scenarios(basis, Schokken(sigma=0, kans_korting=0,
    ...     kans_piek=0, sigma_aanbod=0), 1, seed=0), Path(tempfile.mkdtemp()) / "s.csv")
    >>> print(pad.read_text(), end="")
    scenario,kans,periode,regio,klasse,instroom,aanbod
    s001,1,2027-I,A,alle,10,4
    """
    s = scenarioset
    vorm = (s.n, len(s.perioden), len(s.regios), len(s.klassen))
    ii, tt, rr, kk = (a.ravel() for a in np.indices(vorm))
    tabel = pd.DataFrame(
        {
            "scenario": np.array(s.namen, dtype=object)[ii],
            "kans": [_tekst_getal(x) for x in s.kansen[ii]],
            "periode": np.array(s.perioden, dtype=object)[tt],
            "regio": np.array(s.regios, dtype=object)[rr],
            "klasse": np.array(s.klassen, dtype=object)[kk],
            "instroom": [_tekst_getal(x) for x in s.instroom[ii, rr, tt, kk]],
            "aanbod": [_tekst_getal(x) for x in s.aanbod[ii, rr, tt, kk]],
        }
    )
    return schrijf_csv_atomisch(tabel, pad)

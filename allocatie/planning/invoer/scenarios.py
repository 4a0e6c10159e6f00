r"""Inflow scenarios for flex capacity planning: periods and a seeded generator.

A scenario gives, per region ``r``, half-year ``t`` and size class ``k``, the
persons newly needing a home (``instroom``) and the persons that regular homes
becoming available can house (``aanbod``). Scenarios come from a user's CSV
(`allocatie.planning.invoer.scenariobestand`) or from the generator
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
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

import numpy as np

from allocatie.kern.errors import ConfiguratieFout
from allocatie.planning.gegevens import KLASSEN, Scenarioset

__all__ = [
    "Basispad",
    "Schokken",
    "genereer_scenarios",
    "perioden",
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

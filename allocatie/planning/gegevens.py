"""The input of flexible-capacity planning: regions, flex types, costs and scenarios.

Everything is a frozen dataclass of plain values and numpy arrays, checked on
construction; the TOML reader (`allocatie.planning.invoer.config`) and the scenario
generator/reader (`allocatie.planning.invoer.scenarios`) produce them, the model
(`allocatie.planning.model.bouw`) consumes them.

Units: a *period* is a half-year; persons are counted as real numbers (a plan
for thousands of persons over years does not need integral persons; the flex
*modules* are integral); money is in euro.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from allocatie.io.tomllezer import binnen_bereik
from allocatie.kern.errors import ConfiguratieFout

#: Default household size classes (persons): singles, 2-3 persons, 4 or more.
KLASSEN: tuple[str, ...] = ("alleenstaand", "klein", "groot")

#: Risk measures of the objective.
RISICOMATEN: tuple[str, ...] = ("verwachting", "cvar")


#: Largest amount of money (euro) in one setting: a trillion; beyond it a typing error.
MAX_BEDRAG = 1e12
#: Largest number of persons one flex module houses.
MAX_PLAATSEN = 100_000.0
#: Largest number of periods (half-years) in a lead time, a running time or a horizon.
MAX_PERIODEN = 100


def _getal(
    waarde: object,
    kolom: str,
    *,
    minimum: float = 0.0,
    maximum: float = math.inf,
    geheel: bool = False,
) -> None:
    """Raise a `ConfiguratieFout` unless ``waarde`` is a finite number in [minimum, maximum]."""
    if not binnen_bereik(waarde, minimum, maximum, geheel=geheel):
        soort = "een geheel getal" if geheel else "een eindig getal"
        grens = f">= {minimum:g}" + (f" en <= {maximum:g}" if math.isfinite(maximum) else "")
        raise ConfiguratieFout(f"verwacht {soort} {grens}", kolom=kolom, waarde=waarde)


@dataclass(frozen=True)
class Flextype:
    """A kind of flexible housing, opened and closed in whole modules.

    Attributes
    ----------
    naam
        Name used in tables (``"studio"``, ``"gezinswoning"``).
    plaatsen
        Persons one module houses (e.g. 24 studios = 24 persons).
    klassen
        Household size classes the type can house.
    openen
        Cost of one module, paid in the period it is ordered (permit, build, placing).
    exploitatie
        Running cost of one available module per period (rent, management).
    sluiten
        Cost of closing one module before the end of the horizon (early closure:
        unwritten-off investment, dismantling, contract break).
    restwaarde
        Value credited for each module still available in the last period
        (what it is worth after the horizon: it lives 10-15 years).
    verkoopwaarde
        Value credited for each module closed before the end: a relocatable
        home taken out of the plan is sold or placed elsewhere (outside the
        plan's regions). The model pays ``sluiten - verkoopwaarde`` per
        closure. Default 0 (a project choice: a closed module is worth
        nothing to the plan, as before this option existed); at most
        ``openen``.
    levertijd
        Periods from ordering to the first period of use (permit to completion).
    minimale_looptijd
        Periods a module must be in use before it may close or be relocated.
    exploitatietermijn
        Periods over which a module is written off (the exploitation period of
        the government's standard model for movable homes, BZK "Rekenmodel
        flexwonen"); only used in the business case per module, which spreads
        ``openen - restwaarde`` over it. Default 30 half-years = 15 years, a
        project choice at the top of the 10-15 year lifetime of relocatable
        homes.
    """

    naam: str
    plaatsen: float
    klassen: tuple[str, ...]
    openen: float
    exploitatie: float
    sluiten: float
    restwaarde: float = 0.0
    levertijd: int = 2
    minimale_looptijd: int = 4
    exploitatietermijn: int = 30
    verkoopwaarde: float = 0.0

    def __post_init__(self) -> None:
        pre = f"flextype.{self.naam}"
        _getal(
            self.exploitatietermijn,
            f"{pre}.exploitatietermijn",
            minimum=1,
            maximum=MAX_PERIODEN,
            geheel=True,
        )
        _getal(self.plaatsen, f"{pre}.plaatsen", minimum=1e-9, maximum=MAX_PLAATSEN)
        for naam in ("openen", "exploitatie", "sluiten", "restwaarde", "verkoopwaarde"):
            _getal(getattr(self, naam), f"{pre}.{naam}", maximum=MAX_BEDRAG)
        for naam in ("levertijd", "minimale_looptijd"):
            _getal(getattr(self, naam), f"{pre}.{naam}", maximum=MAX_PERIODEN, geheel=True)
        if self.restwaarde > self.openen:
            # Ordering a module would earn money: the plan has no optimum (unbounded).
            raise ConfiguratieFout(
                f"restwaarde is hoger dan de kosten van openen ({self.openen:g}); dan levert "
                "elke extra module geld op en heeft het plan geen optimum. Een module is aan "
                "het eind hoogstens zoveel waard als een nieuwe kost",
                kolom=f"{pre}.restwaarde",
                waarde=self.restwaarde,
            )
        if self.verkoopwaarde > self.openen:
            raise ConfiguratieFout(
                f"verkoopwaarde is hoger dan de kosten van openen ({self.openen:g}); dan levert "
                "bestellen en weer sluiten geld op",
                kolom=f"{pre}.verkoopwaarde",
                waarde=self.verkoopwaarde,
            )
        if not self.klassen:
            raise ConfiguratieFout("noem minstens één klasse", kolom=f"{pre}.klassen", waarde=[])

    @property
    def sluiten_netto(self) -> float:
        """Cost per module closed after its sale value: ``sluiten - verkoopwaarde`` (may be < 0)."""
        return self.sluiten - self.verkoopwaarde


@dataclass(frozen=True)
class Regio:
    """A planning region (provincie or arbeidsmarktregio).

    Attributes
    ----------
    naam
        Name of the region.
    bestaand
        Modules per flex type available at the start (old enough to close).
    bezetting
        Persons per flex type living in those modules at the start.
    max_modules
        Upper bound on available modules per flex type (sites, permits); a
        type not named is unbounded.
    achterstand
        Persons per size class waiting at the start (the carried-over backlog).
    """

    naam: str
    bestaand: Mapping[str, int] = field(default_factory=dict)
    bezetting: Mapping[str, float] = field(default_factory=dict)
    max_modules: Mapping[str, int] = field(default_factory=dict)
    achterstand: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        pre = f"regio.{self.naam}"
        for deel in ("bestaand", "max_modules"):
            for sleutel, waarde in getattr(self, deel).items():
                _getal(waarde, f"{pre}.{deel}.{sleutel}", geheel=True)
        for deel in ("bezetting", "achterstand"):
            for sleutel, waarde in getattr(self, deel).items():
                _getal(waarde, f"{pre}.{deel}.{sleutel}")


@dataclass(frozen=True)
class Verplaatsing:
    """Relocation of modules between regions (relocatable homes).

    Attributes
    ----------
    toegestaan
        Whether modules may move at all.
    kosten
        Cost per module moved (dismantling, transport, foundations, connections).
    subsidie
        Contribution received per module moved, e.g. under the "Regeling
        Tegemoetkoming Herplaatsing Flexwoningen" (BZK). The model pays
        ``kosten - subsidie`` per move. Default 0 (a project choice: whether and
        how much a plan receives depends on the scheme's conditions and budget,
        so fill in the amount that applies); at most ``kosten``.
    duur
        Periods a moved module is unavailable (dismantle, transport, permit).
    paren
        Allowed (from, to) region pairs; None allows every pair.
    """

    toegestaan: bool = False
    kosten: float = 0.0
    duur: int = 1
    paren: tuple[tuple[str, str], ...] | None = None
    subsidie: float = 0.0

    def __post_init__(self) -> None:
        _getal(self.kosten, "verplaatsing.kosten", maximum=MAX_BEDRAG)
        _getal(self.subsidie, "verplaatsing.subsidie", maximum=MAX_BEDRAG)
        if self.subsidie > self.kosten:
            raise ConfiguratieFout(
                f"de subsidie is hoger dan de kosten van verplaatsen ({self.kosten:g}); dan "
                "levert heen en weer verplaatsen geld op. Geef de kosten zonder aftrek en de "
                "subsidie apart",
                kolom="verplaatsing.subsidie",
                waarde=self.subsidie,
            )
        _getal(self.duur, "verplaatsing.duur", maximum=MAX_PERIODEN, geheel=True)

    @property
    def netto(self) -> float:
        """Cost per module moved after the contribution: ``kosten - subsidie``.

        Examples
        --------
        >>> Verplaatsing(True, kosten=250_000.0, subsidie=50_000.0).netto
        200000.0
        """
        return self.kosten - self.subsidie

    def mag(self, van: str, naar: str) -> bool:
        """Whether a module may move from ``van`` to ``naar``."""
        if not self.toegestaan or van == naar:
            return False
        return self.paren is None or (van, naar) in self.paren


@dataclass(frozen=True)
class Kosten:
    """Second-stage costs.

    Attributes
    ----------
    wachten
        Cost per person per period in the backlog, per size class (the social
        cost of a person waiting in an azc: COA place, lost integration time).
    verdringing
        Cost per person who has to leave a flex module because it closes.
    eind_achterstand
        Extra cost per person still waiting in the last period (what the
        backlog left behind will cost after the horizon).
    """

    wachten: Mapping[str, float]
    verdringing: float = 0.0
    eind_achterstand: float = 0.0

    def __post_init__(self) -> None:
        for klasse, waarde in self.wachten.items():
            _getal(waarde, f"kosten.wachten.{klasse}", maximum=MAX_BEDRAG)
        _getal(self.verdringing, "kosten.verdringing", maximum=MAX_BEDRAG)
        _getal(self.eind_achterstand, "kosten.eind_achterstand", maximum=MAX_BEDRAG)


@dataclass(frozen=True)
class Risico:
    """The risk measure of the second-stage cost.

    ``verwachting``: minimise first-stage cost + expected second-stage cost.
    ``cvar``: first-stage cost + (1 - gewicht) * expectation + gewicht *
    CVaR_alfa, the mean of the worst (1 - alfa) share of scenarios.
    """

    maat: str = "verwachting"
    alfa: float = 0.9
    gewicht: float = 1.0

    def __post_init__(self) -> None:
        if self.maat not in RISICOMATEN:
            raise ConfiguratieFout(
                f"kies uit {', '.join(RISICOMATEN)}", kolom="risico.maat", waarde=self.maat
            )
        if not (0.0 <= self.alfa < 1.0):
            raise ConfiguratieFout("verwacht 0 <= alfa < 1", kolom="risico.alfa", waarde=self.alfa)
        if not (0.0 <= self.gewicht <= 1.0):
            raise ConfiguratieFout(
                "verwacht 0 <= gewicht <= 1", kolom="risico.gewicht", waarde=self.gewicht
            )


@dataclass(frozen=True)
class Scenarioset:
    """Inflow and regular supply per scenario, region, period and size class.

    Attributes
    ----------
    regios, perioden, klassen, namen
        Labels of the axes (``namen`` labels the scenarios).
    kansen
        Probability of each scenario, shape (S,), summing to 1.
    instroom
        Persons newly needing a home, shape (S, R, T, K).
    aanbod
        Persons that regular homes becoming available can house, shape (S, R, T, K).
    """

    regios: tuple[str, ...]
    perioden: tuple[str, ...]
    klassen: tuple[str, ...]
    namen: tuple[str, ...]
    kansen: np.ndarray
    instroom: np.ndarray
    aanbod: np.ndarray

    def __post_init__(self) -> None:
        vorm = (len(self.namen), len(self.regios), len(self.perioden), len(self.klassen))
        for naam in ("instroom", "aanbod"):
            a = getattr(self, naam)
            if a.shape != vorm:
                raise ConfiguratieFout(
                    f"verwacht vorm {vorm} (scenario, regio, periode, klasse)",
                    kolom=naam,
                    waarde=a.shape,
                )
            if not np.all(np.isfinite(a)) or (a < 0).any():
                raise ConfiguratieFout("verwacht eindige getallen >= 0", kolom=naam)
        p = self.kansen
        if p.shape != (vorm[0],) or (p < 0).any() or not math.isclose(p.sum(), 1.0, abs_tol=1e-6):
            raise ConfiguratieFout(
                "de kansen van de scenario's moeten >= 0 zijn en samen 1", kolom="kans"
            )

    @property
    def n(self) -> int:
        """Number of scenarios."""
        return len(self.namen)

    def deel(self, indices: list[int] | np.ndarray) -> Scenarioset:
        """The scenarios at ``indices``, their probabilities renormalised."""
        idx = np.asarray(indices, dtype=int)
        p = self.kansen[idx]
        p = p / p.sum() if p.sum() > 0 else np.full(len(idx), 1.0 / len(idx))
        return Scenarioset(
            self.regios,
            self.perioden,
            self.klassen,
            tuple(self.namen[i] for i in idx),
            p,
            self.instroom[idx],
            self.aanbod[idx],
        )

    def gemiddeld(self) -> Scenarioset:
        """The single probability-weighted mean scenario (for the mean-value plan)."""
        w = self.kansen[:, None, None, None]
        return Scenarioset(
            self.regios,
            self.perioden,
            self.klassen,
            ("gemiddeld",),
            np.ones(1),
            (w * self.instroom).sum(axis=0, keepdims=True),
            (w * self.aanbod).sum(axis=0, keepdims=True),
        )


@dataclass(frozen=True)
class Planinstantie:
    """Everything the planning model needs.

    Attributes
    ----------
    regios
        The regions, in the order of ``scenarios.regios``.
    flextypen
        The flex types.
    kosten
        Second-stage costs.
    scenarios
        Inflow and regular supply.
    verplaatsing
        Whether and how modules may move between regions.
    doorstroom
        Share of flex residents per period that may move on to a regular home
        (using that period's regular supply), freeing their place.
    risico
        Risk measure of the objective.
    """

    regios: tuple[Regio, ...]
    flextypen: tuple[Flextype, ...]
    kosten: Kosten
    scenarios: Scenarioset
    verplaatsing: Verplaatsing = field(default_factory=Verplaatsing)
    doorstroom: float = 0.0
    risico: Risico = field(default_factory=Risico)

    def __post_init__(self) -> None:
        namen = tuple(r.naam for r in self.regios)
        if namen != self.scenarios.regios:
            raise ConfiguratieFout(
                "de regio's van de scenario's wijken af van de configuratie",
                kolom="regio",
                waarde=list(self.scenarios.regios),
            )
        if len(set(namen)) != len(namen):
            raise ConfiguratieFout("regionamen moeten uniek zijn", kolom="regio.naam")
        typen = [f.naam for f in self.flextypen]
        if len(set(typen)) != len(typen):
            raise ConfiguratieFout("namen van flextypen moeten uniek zijn", kolom="flextype.naam")
        klassen = set(self.scenarios.klassen)
        for f in self.flextypen:
            for k in f.klassen:
                if k not in klassen:
                    raise ConfiguratieFout(
                        f"onbekende klasse; kies uit {', '.join(self.scenarios.klassen)}",
                        kolom=f"flextype.{f.naam}.klassen",
                        waarde=k,
                    )
        for k in self.kosten.wachten:
            if k not in klassen:
                raise ConfiguratieFout("onbekende klasse", kolom=f"kosten.wachten.{k}", waarde=k)
        for r in self.regios:
            for deel in ("bestaand", "bezetting", "max_modules"):
                for t in getattr(r, deel):
                    if t not in typen:
                        raise ConfiguratieFout(
                            f"onbekend flextype; kies uit {', '.join(typen)}",
                            kolom=f"regio.{r.naam}.{deel}",
                            waarde=t,
                        )
            for f in self.flextypen:
                bez = float(r.bezetting.get(f.naam, 0.0))
                cap = f.plaatsen * r.bestaand.get(f.naam, 0)
                if bez > cap + 1e-9:
                    raise ConfiguratieFout(
                        f"meer bewoners dan plaatsen in de bestaande modules ({cap:g})",
                        kolom=f"regio.{r.naam}.bezetting.{f.naam}",
                        waarde=bez,
                    )
            for k in r.achterstand:
                if k not in klassen:
                    raise ConfiguratieFout(
                        "onbekende klasse", kolom=f"regio.{r.naam}.achterstand", waarde=k
                    )
        if not (0.0 <= self.doorstroom <= 1.0):
            raise ConfiguratieFout(
                "verwacht 0 <= doorstroom <= 1", kolom="doorstroom", waarde=self.doorstroom
            )

    @property
    def klassen(self) -> tuple[str, ...]:
        """Size classes."""
        return self.scenarios.klassen

    @property
    def perioden(self) -> tuple[str, ...]:
        """Period labels."""
        return self.scenarios.perioden

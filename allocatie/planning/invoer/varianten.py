"""The sensitivity variants of a plan: each ``[[gevoeligheid]]`` factor or value applied once.

Each variant is a copy of the plan's instance with one parameter changed
(`dataclasses.replace`); the original is never changed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from allocatie.kern.errors import ConfiguratieFout
from allocatie.planning.gegevens import Planinstantie
from allocatie.planning.invoer.planconfig import PARAMETERS, Gevoeligheid, Planconfig, Variant
from allocatie.planning.invoer.scenarios import genereer_scenarios

__all__ = ["varianten"]

_GEHEEL = {"flextype.levertijd", "flextype.minimale_looptijd", "verplaatsing.duur"}


def _getal_nl(x: float) -> str:
    """A number as a Dutch reader writes it: ``1.500.000``, ``0,5``."""
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", ".")
    return f"{x:.6g}".replace(".", ",")


def _pas_toe(
    inst: Planinstantie, spec: Gevoeligheid, factor: float | None, waarde: float | None
) -> Planinstantie:
    """A copy of ``inst`` with ``spec`` applied once (factor or value)."""
    deel, _, veld = spec.parameter.partition(".")

    def nieuw(oud: float) -> Any:
        x = oud * factor if factor is not None else float(waarde or 0.0)
        if spec.parameter in _GEHEEL and not float(x).is_integer():
            raise ConfiguratieFout(
                f"{_getal_nl(oud)} × {_getal_nl(factor or 0)} = {_getal_nl(x)} is geen geheel "
                "getal; gebruik waarden in plaats van factoren",
                kolom=spec.parameter,
            )
        return int(x) if spec.parameter in _GEHEEL else x

    if spec.parameter == "kosten.wachten":
        wachten = {k: nieuw(v) for k, v in inst.kosten.wachten.items()}
        return replace(inst, kosten=replace(inst.kosten, wachten=wachten))
    if deel in ("kosten", "verplaatsing", "risico"):
        oud = getattr(inst, deel)
        return replace(inst, **{deel: replace(oud, **{veld: nieuw(getattr(oud, veld))})})
    if spec.parameter == "doorstroom":
        return replace(inst, doorstroom=nieuw(inst.doorstroom))
    if deel == "flextype":
        typen = tuple(
            replace(f, **{veld: nieuw(getattr(f, veld))}) if spec.flextype in (None, f.naam) else f
            for f in inst.flextypen
        )
        return replace(inst, flextypen=typen)
    s = inst.scenarios  # scenarios.instroom | scenarios.aanbod: factors only
    return replace(inst, scenarios=replace(s, **{veld: getattr(s, veld) * factor}))


def _andere_seed(config: Planconfig, seed: float | None) -> Planinstantie:
    """``config.instantie`` with its scenarios drawn again with another seed (a seed sweep:
    how much the plan depends on the particular scenarios drawn)."""
    gen = config.generatie
    if gen is None:
        raise ConfiguratieFout(
            "een andere seed kan alleen bij gegenereerde scenario's, niet bij een bestand",
            kolom="scenarios.seed",
            waarde=seed,
        )
    if seed is None or not float(seed).is_integer() or seed < 0:
        raise ConfiguratieFout(
            "verwacht een geheel getal >= 0", kolom="scenarios.seed", waarde=seed
        )
    n = config.instantie.scenarios.n
    sc = genereer_scenarios(gen.basis, gen.schokken, n, int(seed))
    return replace(config.instantie, scenarios=sc)


def varianten(config: Planconfig) -> list[Variant]:
    """The sensitivity variants of ``config``, one per factor or value, in file order.

    Each variant is a copy of ``config.instantie`` with one parameter changed
    (`dataclasses.replace`); the original is never changed. The base instance
    itself is not in the list.

    Raises
    ------
    ConfiguratieFout
        When a variant is invalid (e.g. a doorstroom above 1, a lead time that
        is not whole), naming the ``[[gevoeligheid]]`` entry.
    """
    uit: list[Variant] = []
    for i, spec in enumerate(config.gevoeligheid):
        onderwerp = PARAMETERS[spec.parameter]
        if spec.parameter.startswith("flextype."):
            onderwerp += f" {spec.flextype}" if spec.flextype else " (alle flextypen)"
        paren: list[tuple[float | None, float | None]] = [(f, None) for f in spec.factoren]
        paren += [(None, w) for w in spec.waarden]
        for factor, waarde in paren:
            naam = (
                f"{onderwerp} × {_getal_nl(factor)}"
                if factor is not None
                else f"{onderwerp} = {_getal_nl(waarde)}"  # type: ignore[arg-type]
            )
            try:
                if spec.parameter == "scenarios.seed":
                    inst = _andere_seed(config, waarde)
                else:
                    inst = _pas_toe(config.instantie, spec, factor, waarde)
            except ConfiguratieFout as exc:
                raise ConfiguratieFout(
                    f"variant '{naam}' is ongeldig: {exc.kolom}: {exc.bericht}",
                    bestand=config.pad,
                    kolom=f"gevoeligheid[{i + 1}]",
                    waarde=exc.waarde,
                ) from None
            uit.append(Variant(naam, inst, spec.parameter, spec.flextype, factor, waarde))
    return uit

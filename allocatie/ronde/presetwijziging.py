"""Change a few parameters of a model preset in Python: `ModelPreset.met`.

A preset is a tree of frozen dataclasses; changing one weight by hand needs a
nested `dataclasses.replace`. `wijzig_preset` takes the changes as dotted keys
(``"kosten.per_minuut_werk"``, the preset file's ``[kosten] per_minuut_werk``)
or as keyword arguments with ``__`` for the dot (``kosten__per_minuut_werk``),
writes them into the preset's TOML-shaped data (`preset_als_dict`) and validates
the result exactly as a preset file is validated
(`allocatie.ronde.presets.preset_uit_dict`): an unknown key, a wrong type or a
negative weight is the same Dutch `ConfiguratieFout` a preset file gives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from allocatie.io.schema import onbekend_bericht
from allocatie.kern.errors import ConfiguratieFout

if TYPE_CHECKING:
    from allocatie.ronde.presets import ModelPreset

__all__ = ["preset_als_dict", "sleutels", "wijzig_preset"]

#: Appended to the name of a changed preset, so that reports do not pass it off as the file.
GEWIJZIGD = " (gewijzigd)"
#: The name of the changes in error messages: they come from Python, not from a file.
BRON = "<ModelPreset.met>"


def preset_als_dict(preset: ModelPreset) -> dict[str, Any]:
    """The preset as the data of its TOML file (sections as dicts, overrides as sub-tables).

    ``preset_uit_dict(preset_als_dict(p), p.bron)`` gives ``p`` back.

    Examples
    --------
    >>> from allocatie.ronde.presets import laad_preset
    >>> d = preset_als_dict(laad_preset("standaard"))
    >>> d["kosten"]["per_minuut_werk"], d["doel"]["volgorde"][0]
    (0.5, 'onbediend')
    """
    data: dict[str, Any] = {"naam": preset.naam, "beschrijving": preset.beschrijving}
    for sectie in ("criteria", "limieten", "reistijd", "doel", "kosten", "ruil"):
        waarden = dataclasses.asdict(getattr(preset, sectie))
        if sectie == "limieten":
            for groep, limiet, minuten in waarden.pop("afwijkend"):
                waarden.setdefault(groep, {})[limiet] = minuten
        if sectie == "doel":
            waarden["volgorde"] = list(waarden["volgorde"])
        data[sectie] = waarden
    return data


def sleutels(preset: ModelPreset) -> list[str]:
    """Every key `wijzig_preset` takes for ``preset``, dotted (``kosten.per_minuut_werk``).

    Examples
    --------
    >>> from allocatie.ronde.presets import laad_preset
    >>> [s for s in sleutels(laad_preset("standaard")) if s.startswith("kosten.")][:2]
    ['kosten.per_minuut_werk', 'kosten.per_minuut_studie']
    """
    uit = ["naam", "beschrijving"]
    for sectie, waarden in preset_als_dict(preset).items():
        if isinstance(waarden, dict):
            uit += [f"{sectie}.{k}" for k, v in waarden.items() if not isinstance(v, dict)]
    return uit


def _zet(data: dict[str, Any], sleutel: str, waarde: Any, bekend: list[str]) -> None:
    """Put ``waarde`` at the dotted ``sleutel`` of the preset data; unknown keys are errors."""
    from allocatie.ronde.presets import AFWIJKENDE_GROEPEN, AFWIJKENDE_LIMIETEN

    delen = sleutel.split(".")
    if len(delen) == 3 and delen[0] == "limieten":
        # An override for a group, as in [limieten.auto]: werk_min = 45.
        _, groep, limiet = delen
        if groep not in AFWIJKENDE_GROEPEN or limiet not in AFWIJKENDE_LIMIETEN:
            raise ConfiguratieFout(
                "onbekende afwijkende limiet; geldig is limieten.<groep>.<limiet> met groep "
                f"{', '.join(AFWIJKENDE_GROEPEN)} en limiet {', '.join(AFWIJKENDE_LIMIETEN)}",
                bestand=BRON,
                kolom=sleutel,
            )
        data["limieten"].setdefault(groep, {})[limiet] = waarde
        return
    if sleutel not in bekend:
        raise ConfiguratieFout(
            onbekend_bericht(
                sleutel, [*bekend, "limieten.<groep>.<limiet>"], "de modelpreset", "parameter"
            ),
            bestand=BRON,
            kolom=sleutel,
        )
    if len(delen) == 1:
        data[sleutel] = waarde
    else:
        data[delen[0]][delen[1]] = waarde


def wijzig_preset(
    preset: ModelPreset, wijzigingen: Mapping[str, Any] | None = None, **sleutelwoorden: Any
) -> ModelPreset:
    """A copy of ``preset`` with some parameters changed, validated like a preset file.

    Parameters
    ----------
    preset
        The preset to start from (it is not changed).
    wijzigingen
        Dotted keys as in the preset file: ``{"kosten.per_minuut_werk": 1.5,
        "limieten.auto.werk_min": 45, "doel.volgorde": [...]}``.
    **sleutelwoorden
        The same with ``__`` for the dot: ``kosten__per_minuut_werk=1.5``.

    Returns
    -------
    ModelPreset
        The changed preset. Its ``naam`` gets `GEWIJZIGD` appended (unless
        ``naam`` itself is changed) and its ``bron`` names the changes, so a
        report never passes it off as the unchanged file.

    Raises
    ------
    ConfiguratieFout
        For an unknown key (with a suggestion when one is near), a key given
        twice, or a value a preset file may not hold (wrong type, negative,
        ``ruil.toegestaan`` without the level ``ruil`` in ``doel.volgorde``).

    Examples
    --------
    >>> from allocatie.ronde.presets import laad_preset
    >>> p = wijzig_preset(laad_preset("standaard"), kosten__per_minuut_werk=1.5)
    >>> p.kosten.per_minuut_werk, p.naam
    (1.5, 'standaard (gewijzigd)')
    >>> wijzig_preset(laad_preset("standaard"), {"kosten.per_minuut_werkk": 1})
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    allocatie.kern.errors.ConfiguratieFout: ...bedoelde u `kosten.per_minuut_werk`? Geldig zijn: ...
    """
    from allocatie.ronde.presets import preset_uit_dict

    alle: dict[str, Any] = dict(wijzigingen or {})
    for naam, waarde in sleutelwoorden.items():
        sleutel = naam.replace("__", ".")
        if sleutel in alle:
            raise ConfiguratieFout("parameter twee keer gegeven", bestand=BRON, kolom=sleutel)
        alle[sleutel] = waarde
    if not alle:
        return preset
    data = preset_als_dict(preset)
    bekend = sleutels(preset)
    for sleutel, waarde in alle.items():
        if not isinstance(sleutel, str):
            raise ConfiguratieFout(
                "een parameter is een tekst zoals 'kosten.per_minuut_werk'",
                bestand=BRON,
                waarde=sleutel,
            )
        _zet(data, sleutel, waarde, bekend)
    if "naam" not in alle and not str(data["naam"]).endswith(GEWIJZIGD):
        data["naam"] = f"{data['naam']}{GEWIJZIGD}"
    if isinstance(data.get("doel", {}).get("volgorde"), tuple):
        data["doel"]["volgorde"] = list(data["doel"]["volgorde"])
    wijziging = ", ".join(f"{k}={v!r}" for k, v in alle.items())
    try:
        return preset_uit_dict(data, bron=f"{preset.bron} + {wijziging}")
    except ConfiguratieFout as exc:
        # Name the changes as the source, not a file that holds none of them.
        raise ConfiguratieFout(
            exc.bericht, bestand=BRON, kolom=exc.kolom, waarde=exc.waarde
        ) from None

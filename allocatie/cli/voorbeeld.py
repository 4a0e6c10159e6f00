"""CLI sub-command ``allocatie voorbeeld``: write the shipped examples into a folder.

The example round (``data/voorbeeld`` in the repository) and the planning
example (``data/plan``) ship inside the package (`allocatie.kern.meegeleverd`).
This command copies them into a folder of the user's choice, so that a user of
an installed package can run, read and change them: the round in the folder
itself, the planning example in ``plan/`` under it, and the format description
``SCHEMA.md`` beside them. The folder is written at once or not at all
(`allocatie.io.atomisch.atomische_map`).
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path
from typing import Annotated

import typer

from allocatie.cli import app
from allocatie.cli.gemeenschappelijk import maak_console, meld_fouten
from allocatie.io.atomisch import atomische_map
from allocatie.kern.errors import InvoerFout
from allocatie.kern.meegeleverd import gegevens_map, planvoorbeeld_map, voorbeeld_map
from allocatie.kern.taal import nl_getal

#: Sub-folder of the planning example in the written folder.
PLANMAP = "plan"


def _bestanden(map_: Path) -> list[Path]:
    return sorted(p for p in map_.iterdir() if p.is_file() and not p.name.startswith("."))


def schrijf_voorbeeld(doel: Path, *, overschrijf: bool = False) -> dict[str, list[Path]]:
    """Copy the example round, the planning example and SCHEMA.md into ``doel``.

    Parameters
    ----------
    doel
        The folder to write; it may not exist yet or be empty.
    overschrijf
        Replace a non-empty ``doel`` that allocatie wrote (an earlier
        ``allocatie voorbeeld``); a folder with other files is never replaced.

    Returns
    -------
    dict
        ``{"ronde": [...], "plan": [...], "schema": [...]}``: the files written,
        as paths under ``doel``.

    Raises
    ------
    InvoerFout
        When ``doel`` may not be written, or when the package lacks its
        examples (a broken install).
    """
    bronnen = {
        "ronde": (voorbeeld_map(), Path()),
        "plan": (planvoorbeeld_map(), Path(PLANMAP)),
    }
    for bron, _ in bronnen.values():
        if not (bron.is_dir() and _bestanden(bron)):
            raise InvoerFout(
                "de voorbeelden ontbreken in deze installatie van allocatie; installeer het "
                "pakket opnieuw",
                bestand=bron,
            )
    schema = gegevens_map() / "SCHEMA.md"
    geschreven: dict[str, list[Path]] = {}
    with atomische_map(doel, overschrijf=overschrijf) as tmp:
        for soort, (bron, sub) in bronnen.items():
            (tmp / sub).mkdir(parents=True, exist_ok=True)
            geschreven[soort] = []
            for bestand in _bestanden(bron):
                shutil.copyfile(bestand, tmp / sub / bestand.name)
                geschreven[soort].append(doel / sub / bestand.name)
        geschreven["schema"] = []
        if schema.is_file():
            shutil.copyfile(schema, tmp / schema.name)
            geschreven["schema"].append(doel / schema.name)
    return geschreven


@app.command("voorbeeld")
def voorbeeld(
    map_: Annotated[
        Path,
        typer.Argument(
            metavar="MAP",
            help="Map waarin het voorbeeld komt: de voorbeeldronde in de map zelf, het "
            "flexplanvoorbeeld in MAP/plan/. De map mag nog niet bestaan of moet leeg zijn.",
            show_default=False,
        ),
    ],
    overschrijf: Annotated[
        bool,
        typer.Option(
            "--overschrijf",
            help="Vervang een map die een eerdere 'allocatie voorbeeld' schreef (een map met "
            "andere bestanden wordt nooit vervangen).",
        ),
    ] = False,
) -> None:
    """Schrijf de voorbeeldronde en het flexplanvoorbeeld naar een map om mee te beginnen."""
    with meld_fouten():
        geschreven = schrijf_voorbeeld(map_, overschrijf=overschrijf)
    console = maak_console(stderr=False, stil=False)

    def toon(tekst: str) -> None:
        console.print(tekst, markup=False, highlight=False)

    ronde, plan = geschreven["ronde"], geschreven["plan"]
    toon(f"Voorbeeld geschreven naar {map_}:")
    toon(
        f"  voorbeeldronde ({nl_getal(len(ronde))} bestanden): " + ", ".join(p.name for p in ronde)
    )
    toon(
        f"  flexplanvoorbeeld in {map_ / PLANMAP} ({nl_getal(len(plan))} bestanden): "
        + ", ".join(p.name for p in plan)
    )
    if geschreven["schema"]:
        toon(f"  beschrijving van de invoerbestanden: {geschreven['schema'][0].name}")
    toon("Volgende stap: draai de voorbeeldronde met")
    toon(f"  allocatie ronde {shlex.quote(str(map_))}")
    toon("en de flexplanning (enkele minuten) met")
    toon(f"  allocatie plan {shlex.quote(str(map_ / PLANMAP / 'plan.toml'))}")

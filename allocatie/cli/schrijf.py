"""CLI sub-command ``allocatie schrijf``: write the output of a recovery folder.

When writing the output of a solved round or plan fails (a full disk, no
rights, a writer's bug), ``ronde`` and ``plan`` keep the solved result in a
recovery folder (`allocatie.io.herstel`) and name it in the error. This
command writes the output folder from it without solving again, after the
same independent check, and then removes the recovery folder.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from allocatie.cli import app
from allocatie.cli.gemeenschappelijk import StilOptie, maak_console, meld_fouten
from allocatie.cli.voortgang import TerminalVoortgang
from allocatie.io.herstel import HERSTEL_PKL, Herstel, lees_herstel
from allocatie.io.uitvoermap import leesbare_oorzaak, schat_ruimte, uitvoerplek
from allocatie.kern.errors import AllocatieFout, InvoerFout, SchrijfFout
from allocatie.kern.voortgang import Voortgang, fase


def _schrijf_ronde(h: Herstel, doel: Path, overschrijf: bool, voortgang: Voortgang | None) -> str:
    from allocatie.reports.uitvoer import schrijf_uitvoer
    from allocatie.resultaat.verify import verify

    inst, res = h.inhoud["inst"], h.inhoud["res"]
    with fase(voortgang, "controle", "Onafhankelijke controle"):
        verify(inst, res)  # VerificatieFout: exit 3
    schrijf_uitvoer(
        inst,
        res,
        doel,
        overschrijf=overschrijf,
        gestart=h.inhoud.get("gestart"),
        klaar=h.inhoud.get("klaar"),
        voortgang=voortgang,
    )
    return f"ronde '{inst.naam}' ({inst.periode.label})"


def _schrijf_plan(h: Herstel, doel: Path, overschrijf: bool, voortgang: Voortgang | None) -> str:
    from allocatie.planning.uitvoer.schrijf import controleer_vergelijking, schrijf_planuitvoer

    vgl, config, paren = h.inhoud["vgl"], h.inhoud["config"], h.inhoud["varianten"]
    with fase(voortgang, "plan:controle", "Onafhankelijke controle"):
        controle = controleer_vergelijking(vgl, paren)  # VerificatieFout: exit 3
    schrijf_planuitvoer(
        vgl,
        doel,
        config=config,
        varianten=paren,
        controle=controle,
        overschrijf=overschrijf,
        voortgang=voortgang,
    )
    return f"plan '{config.naam}'"


@app.command("schrijf")
def schrijf(
    herstelmap: Annotated[
        Path,
        typer.Argument(
            help="De herstelmap uit de foutmelding van de run (bijv. uitvoer/mijnronde.herstel).",
            show_default=False,
        ),
    ],
    uitvoer: Annotated[
        Path | None,
        typer.Option(
            "--uitvoer",
            "-u",
            help="Uitvoermap. Standaard: de map die de run wilde schrijven.",
            show_default=False,
        ),
    ] = None,
    overschrijf: Annotated[
        bool,
        typer.Option(
            "--overschrijf",
            help="Vervang een bestaande uitvoermap die allocatie schreef (standaard zoals de "
            "run: alleen als die met --overschrijf draaide).",
        ),
    ] = False,
    stil: StilOptie = False,
) -> None:
    """Schrijf de uitvoer uit een herstelmap, zonder opnieuw te rekenen.

    Lukt het schrijven na het oplossen niet (schijf vol, geen rechten, een fout in een
    rapport), dan bewaart allocatie ronde (of plan) het opgeloste resultaat in een herstelmap
    en noemt die in de foutmelding. Dit commando controleert het resultaat opnieuw, schrijft
    de uitvoermap en ruimt daarna de herstelmap op (die blijft staan als het weer mislukt).
    """
    console = maak_console(stderr=False, stil=stil)
    with contextlib.ExitStack() as stapel:
        stapel.enter_context(meld_fouten())
        voortgang = None if stil else stapel.enter_context(TerminalVoortgang())
        h = lees_herstel(herstelmap)
        if h.soort not in ("ronde", "plan"):
            raise InvoerFout(f"onbekende soort herstelmap: {h.soort!r}", bestand=herstelmap)
        doel = uitvoer or h.doel
        mag = overschrijf or (uitvoer is None and h.overschrijf)
        invoer = [herstelmap]
        stapel.enter_context(
            uitvoerplek(
                doel,
                overschrijf=mag,
                invoer=invoer,
                ruimte=schat_ruimte([herstelmap / HERSTEL_PKL]),
            )
        )
        schrijver = _schrijf_ronde if h.soort == "ronde" else _schrijf_plan
        try:
            wat = schrijver(h, doel, mag, voortgang)
        except AllocatieFout:
            raise
        except Exception as exc:
            raise SchrijfFout(
                f"de uitvoer kon weer niet worden geschreven naar '{doel}' "
                f"({leesbare_oorzaak(exc)}). De herstelmap '{herstelmap}' blijft staan; los "
                "de oorzaak op en probeer het opnieuw",
                doel=doel,
                herstel=herstelmap,
            ) from exc
        shutil.rmtree(herstelmap, ignore_errors=True)
        console.print(
            f"Uitvoer van de {escape(wat)} geschreven naar [bold]{escape(str(doel))}[/bold]; "
            f"de herstelmap {escape(str(herstelmap))} is opgeruimd."
        )

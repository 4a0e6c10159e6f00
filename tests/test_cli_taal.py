"""The command line in Dutch: help, usage errors, --version (issue 18)."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from allocatie.cli import app
from allocatie.cli.taal import NederlandseGroep, NederlandseOpdracht, vertaal_tekst
from allocatie.kern.versie import VERSIE

runner = CliRunner()

#: English that typer/click write themselves and that must not reach a user.
ENGELS = re.compile(
    r"Usage|Options|Arguments|Commands|Show this message|Missing|No such|Invalid value|"
    r"Try '|Error|Possible options|Did you mean|\[default|\[required\]|required|"
    r"does not exist|is not a valid|requires an argument|unexpected extra|Aborted|"
    r"<int>|<float>|<str>|<path>|<bool>|<text>|<integer>"
)


def _opdrachten() -> list[str]:
    groep = typer.main.get_command(app)
    return sorted(groep.commands)  # type: ignore[attr-defined]


def _plat(tekst: str) -> str:
    """The text without rich's panel borders, on one line (help wraps at any width)."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", tekst).split())


def _engels(tekst: str) -> list[str]:
    return sorted(set(ENGELS.findall(_plat(tekst))))


def test_elke_opdracht_is_nederlands() -> None:
    """A command registered without the Dutch classes would fall back to English
    (e.g. a sub-app made with ``typer.Typer()`` instead of `NederlandseTyper`)."""
    groep = typer.main.get_command(app)
    assert isinstance(groep, NederlandseGroep)
    open_ = [("allocatie", groep)]
    while open_:
        pad, g = open_.pop()
        for naam, opdracht in g.commands.items():  # type: ignore[attr-defined]
            assert isinstance(opdracht, NederlandseOpdracht | NederlandseGroep), f"{pad} {naam}"
            if hasattr(opdracht, "commands"):
                open_.append((f"{pad} {naam}", opdracht))


def test_hoofdhulp_in_het_nederlands() -> None:
    r = runner.invoke(app, ["--help"], terminal_width=100)
    assert r.exit_code == 0, r.output
    for tekst in (
        "Gebruik: allocatie",
        "Opties",
        "Opdrachten",
        "Toon deze hulp en stop.",
        "--version",
        "voorbeeld",
    ):
        assert tekst in _plat(r.output), tekst
    assert _engels(r.output) == [], r.output


def test_zonder_argumenten_de_hulp() -> None:
    r = runner.invoke(app, [], terminal_width=100)
    assert "Gebruik: allocatie" in r.output
    assert _engels(r.output) == [], r.output


@pytest.mark.parametrize("opdracht", _opdrachten())
def test_hulp_van_elke_opdracht_in_het_nederlands(opdracht: str) -> None:
    r = runner.invoke(app, [opdracht, "--help"], terminal_width=100)
    assert r.exit_code == 0, r.output
    assert f"Gebruik: allocatie {opdracht}" in r.output
    assert "Toon deze hulp en stop." in _plat(r.output)
    assert "Opties" in r.output
    assert _engels(r.output) == [], r.output


@pytest.mark.parametrize(
    ("args", "verwacht"),
    [
        (["ronde", "--bestaatniet"], "Onbekende optie: --bestaatniet"),
        (["ronde", "--stl"], "Onbekende optie: --stl (bedoelde u --solver, --stil?)"),
        (["voorbeeld"], "Ontbrekend argument 'MAP'."),
        (["ronde", "--threads", "abc"], "Ongeldige waarde voor '--threads': 'abc' is geen geheel"),
        (["ronde", "--gap", "x"], "Ongeldige waarde voor '--gap': 'x' is geen getal."),
        (["ronde", "--gap"], "Optie '--gap' vraagt een waarde."),
        (["bestaatniet"], "Onbekende opdracht 'bestaatniet'."),
        (["rnde"], "Bedoelde u 'ronde'?"),
        (["ronde", "a", "b"], "extra argument"),
        (["basis", "--gemeenten", "x"], "Ontbrekende optie"),
    ],
)
def test_gebruiksfouten_in_het_nederlands(args: list[str], verwacht: str) -> None:
    r = runner.invoke(app, args, terminal_width=200)
    assert r.exit_code == 2, r.output
    assert verwacht in _plat(r.output), r.output
    assert "Gebruik: allocatie" in r.output
    assert "Probeer 'allocatie" in r.output and "--help' voor hulp." in r.output
    assert "Fout" in r.output
    assert _engels(r.output) == [], r.output


def test_ongeldig_pad() -> None:
    r = runner.invoke(app, ["schrijf", "bestaat/niet"], terminal_width=200)
    assert r.exit_code == 2, r.output
    assert _engels(r.output) == [], r.output


@pytest.mark.parametrize("optie", ["--version", "-V"])
def test_versie(optie: str) -> None:
    r = runner.invoke(app, [optie])
    assert r.exit_code == 0, r.output
    assert r.output == f"allocatie {VERSIE}\n"


def test_versie_gelijk_aan_pyproject() -> None:
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    assert tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"] == VERSIE


@pytest.mark.parametrize(
    ("engels", "nederlands"),
    [
        ("Missing command.", "Geef een opdracht."),
        ("Got unexpected extra argument (x)", "Onverwacht extra argument (x)."),
        ("Option '--a' requires 2 arguments.", "Optie '--a' vraagt 2 waarden."),
        ("'x' is not one of 'a', 'b'.", "'x' is niet een van 'a', 'b'."),
        ("File 'a.csv' is a directory.", "Bestand 'a.csv' is een map."),
        ("Directory 'd' is a file.", "Map 'd' is een bestand."),
        ("Value 'x' is not a valid int.", "Waarde 'x' is ongeldig (verwacht: geheel getal)."),
        ("'x' is not a valid float range.", "'x' is ongeldig (verwacht: getal)."),
    ],
)
def test_vaste_zinnen(engels: str, nederlands: str) -> None:
    assert vertaal_tekst(engels) == nederlands

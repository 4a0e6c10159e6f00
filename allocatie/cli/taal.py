"""Dutch for the command line's own texts: help headers, usage lines and usage errors.

The help texts of the commands and options are Dutch where they are written;
what typer and its click core add themselves ("Usage:", the panels "Arguments",
"Options", "Commands", "Show this message and exit.", "Missing argument", "No such
option", "Invalid value for", "Try ... for help.") is English and, since typer
0.29 carries its own copy of click, not marked for gettext. So the CLI uses its own
command classes (`NederlandseTyper` makes every command and group of the app one):

* the usage line and the help option are written in Dutch (`_Nederlands`);
* a usage error is caught where click raises it (parsing the arguments, choosing
  the sub-command, running it) and raised again with a Dutch message, built from
  the exception's attributes (which option, which parameter, the pydantic error
  code of a value that did not convert) rather than from its English text, with a
  table of click's fixed sentences as a fallback (`vertaal_fout`);
* typer's rich help and error panels take their titles and the "Try ... for help"
  line from module constants of `typer.rich_utils`, read when a panel is drawn;
  `zet_typer_nederlands` sets them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
import typer.rich_utils
from typer._click import exceptions as _fouten  # typer >= 0.29: its own click core
from typer.core import TyperCommand, TyperGroup

__all__ = [
    "HULPTEKST",
    "NederlandseGroep",
    "NederlandseOpdracht",
    "NederlandseTyper",
    "vertaal_fout",
    "vertaal_tekst",
    "zet_typer_nederlands",
]

#: Help text of ``--help``.
HULPTEKST = "Toon deze hulp en stop."
#: Prefix of the usage line.
GEBRUIK = "Gebruik: "

#: Constants of `typer.rich_utils` that hold English text, in Dutch.
_RICH_TEKSTEN = {
    "ARGUMENTS_PANEL_TITLE": "Argumenten",
    "OPTIONS_PANEL_TITLE": "Opties",
    "COMMANDS_PANEL_TITLE": "Opdrachten",
    "ERRORS_PANEL_TITLE": "Fout",
    "ABORTED_TEXT": "Afgebroken.",
    "RICH_HELP": "Probeer [blue]'{command_path} {help_option}'[/] voor hulp.",
    "DEFAULT_STRING": "[standaard: {}]",
    "ENVVAR_STRING": "[omgevingsvariabele: {}]",
    "REQUIRED_LONG_STRING": "[verplicht]",
    "DEPRECATED_STRING": "(verouderd) ",
}


def zet_typer_nederlands() -> None:
    """Put the Dutch titles and lines into typer's rich help and error panels.

    Idempotent; `NederlandseTyper` calls it when the app is made.
    """
    for naam, tekst in _RICH_TEKSTEN.items():
        if hasattr(typer.rich_utils, naam):
            setattr(typer.rich_utils, naam, tekst)


# --------------------------------------------------------------------------- messages

#: Type names in typer's help (``<int>``, ``<path>``, ...) and in its messages.
_TYPEN = {
    "int": "geheel getal",
    "integer": "geheel getal",
    "float": "getal",
    "str": "tekst",
    "text": "tekst",
    "path": "pad",
    "file": "bestand",
    "dir": "map",
    "directory": "map",
    "bool": "ja/nee",
    "boolean": "ja/nee",
    "datetime": "datum en tijd",
    "uuid": "UUID",
}

_SOORT_PARAMETER = {"argument": "argument", "option": "optie", "parameter": "parameter"}
_ONTBREKEND = {"argument": "Ontbrekend", "optie": "Ontbrekende", "parameter": "Ontbrekende"}


def _type_nl(label: str) -> str:
    """A type label of typer (``int``, ``float range``, ``list[path]``) in Dutch."""
    m = re.fullmatch(r"list\[(.*)\]", label)
    if m:
        return f"lijst van {_type_nl(m.group(1))}"
    m = re.fullmatch(r"(\w+) range", label)
    if m:
        return f"{_TYPEN.get(m.group(1), m.group(1))} (bereik)"
    return _TYPEN.get(label.lower(), label)


#: Click's and typer's fixed sentences: pattern -> Dutch, with the same groups.
_ZINNEN: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.S), nl)
    for p, nl in (
        (
            r"No such command (?P<a>.+?)\. Did you mean (?P<b>.+)\?",
            "Onbekende opdracht {a}. Bedoelde u {b}?",
        ),
        (r"No such command (?P<a>.+)\.", "Onbekende opdracht {a}."),
        (r"Missing command\.", "Geef een opdracht."),
        (r"Got unexpected extra argument \((?P<a>.*)\)", "Onverwacht extra argument ({a})."),
        (r"Got unexpected extra arguments \((?P<a>.*)\)", "Onverwachte extra argumenten ({a})."),
        (
            r"Got unexpected extra argument\(s\) \((?P<a>.*)\)",
            "Onverwachte extra argumenten ({a}).",
        ),
        (r"Option (?P<a>.+) does not take a value\.", "Optie {a} neemt geen waarde."),
        (r"Option (?P<a>.+) requires an argument\.", "Optie {a} vraagt een waarde."),
        (r"Option (?P<a>.+) requires (?P<b>\d+) arguments\.", "Optie {a} vraagt {b} waarden."),
        (r"No such option: (?P<a>.+)", "Onbekende optie: {a}"),
        (r"Value (?P<a>.+) is not a valid (?P<b>.+)\.", "Waarde {a} is ongeldig (verwacht: {b})."),
        (r"(?P<a>.+) is not one of (?P<b>.+)\.", "{a} is niet een van {b}."),
        (r"(?P<a>.+) is not (?P<b>'[^']*')\.", "{a} is niet {b}."),
        (r"(?P<a>.+) is not a valid (?P<b>[\w ]+?)( range)?\.", "{a} is ongeldig (verwacht: {b})."),
        (r"(?P<a>.+) is not in the range (?P<b>.+)\.", "{a} ligt niet in het bereik {b}."),
        (r"(?P<s>File|Directory|Path) (?P<a>.+) does not exist\.", "{s} {a} bestaat niet."),
        (r"(?P<s>File|Directory|Path) (?P<a>.+) is a file\.", "{s} {a} is een bestand."),
        (r"(?P<s>File|Directory|Path) (?P<a>.+) is a directory\.", "{s} {a} is een map."),
        (r"(?P<s>File|Directory|Path) (?P<a>.+) is not readable\.", "{s} {a} is niet leesbaar."),
        (r"(?P<s>File|Directory|Path) (?P<a>.+) is not writable\.", "{s} {a} is niet schrijfbaar."),
        (r"Choose from:(?P<a>.*)", "Kies uit:{a}"),
    )
]
_ZELFSTANDIG = {"File": "Bestand", "Directory": "Map", "Path": "Pad"}


def vertaal_tekst(tekst: str) -> str:
    """One of click's or typer's fixed sentences in Dutch; other text as it is.

    >>> vertaal_tekst("Missing command.")
    'Geef een opdracht.'
    >>> vertaal_tekst("Path 'x.toml' does not exist.")
    "Pad 'x.toml' bestaat niet."
    >>> vertaal_tekst("al Nederlands")
    'al Nederlands'
    """
    for patroon, nl in _ZINNEN:
        m = patroon.fullmatch(tekst.strip())
        if m:
            delen = {k: v for k, v in m.groupdict().items() if v is not None}
            if "s" in delen:
                delen["s"] = _ZELFSTANDIG[delen["s"]]
            if "b" in delen and "verwacht" in nl:
                delen["b"] = _type_nl(delen["b"])
            return nl.format(**delen)
    return tekst


#: Pydantic error codes of a value that did not convert -> Dutch (typer >= 0.29
#: converts with pydantic). ``{ctx}`` fields come from the error's context.
_PYDANTIC = {
    "int_parsing": "{waarde} is geen geheel getal.",
    "int_from_float": "{waarde} is geen geheel getal.",
    "int_type": "{waarde} is geen geheel getal.",
    "float_parsing": "{waarde} is geen getal.",
    "float_type": "{waarde} is geen getal.",
    "finite_number": "{waarde} is geen eindig getal.",
    "bool_parsing": "{waarde} is geen ja/nee-waarde (true/false, ja/nee, 1/0).",
    "bool_type": "{waarde} is geen ja/nee-waarde.",
    "greater_than": "{waarde} moet groter zijn dan {gt}.",
    "greater_than_equal": "{waarde} moet minstens {ge} zijn.",
    "less_than": "{waarde} moet kleiner zijn dan {lt}.",
    "less_than_equal": "{waarde} mag hoogstens {le} zijn.",
    "enum": "{waarde} is niet een van {expected}.",
    "literal_error": "{waarde} is niet een van {expected}.",
    "string_type": "{waarde} is geen tekst.",
    "date_parsing": "{waarde} is geen datum.",
    "date_from_datetime_parsing": "{waarde} is geen datum.",
    "datetime_parsing": "{waarde} is geen datum met tijd.",
    "datetime_from_date_parsing": "{waarde} is geen datum met tijd.",
    "uuid_parsing": "{waarde} is geen UUID.",
}


def _pydantic_nl(fout: BaseException) -> str | None:
    """The Dutch message for a pydantic ValidationError behind a bad value, if known."""
    oorzaak = fout.__cause__
    fouten = getattr(oorzaak, "errors", None)
    if not callable(fouten):
        return None
    try:
        eerste = fouten()[0]
    except (IndexError, TypeError):  # pragma: no cover - pydantic always lists one
        return None
    sjabloon = _PYDANTIC.get(str(eerste.get("type", "")))
    if sjabloon is None:
        return None
    velden = {k: str(v).replace(" or ", " of ") for k, v in (eerste.get("ctx") or {}).items()}
    try:
        return sjabloon.format(waarde=repr(eerste.get("input")), **velden)
    except (KeyError, IndexError):  # a context field this code does not know
        return None


def _hint(fout: Any) -> str | None:
    hint = getattr(fout, "param_hint", None)
    if hint is None and getattr(fout, "param", None) is not None:
        hint = fout.param.get_error_hint()
    if isinstance(hint, list | tuple):
        return " / ".join(hint)
    return hint


def vertaal_fout(fout: Exception) -> str:
    """The Dutch message of a usage error of click/typer (what follows "Fout: ").

    Built from the exception's attributes where click gives them, else from its
    English message through `vertaal_tekst`.
    """
    if isinstance(fout, _fouten.NoSuchOption):
        tekst = f"Onbekende optie: {fout.option_name}"
        if fout.possibilities:
            tekst += f" (bedoelde u {', '.join(sorted(fout.possibilities))}?)"
        return tekst
    if isinstance(fout, _fouten.MissingParameter):
        soort = fout.param_type or (fout.param.param_type_name if fout.param else "parameter")
        soort = _SOORT_PARAMETER.get(soort, soort)
        hint = _hint(fout)
        tekst = f"{_ONTBREKEND.get(soort, 'Ontbrekende')} {soort}" + (f" {hint}" if hint else "")
        extra = fout.param.get_missing_message(ctx=fout.ctx) if fout.param is not None else None
        reden = " ".join(vertaal_tekst(t) for t in (fout.message, extra) if t)
        return f"{tekst}." + (f" {reden}" if reden else "")
    if isinstance(fout, _fouten.BadParameter):
        reden = _pydantic_nl(fout) or vertaal_tekst(fout.message)
        hint = _hint(fout)
        return f"Ongeldige waarde voor {hint}: {reden}" if hint else f"Ongeldige waarde: {reden}"
    if isinstance(fout, _fouten.UsageError):
        return vertaal_tekst(fout.format_message())
    return str(fout)


@contextmanager
def _in_het_nederlands(ctx: Any) -> Iterator[None]:
    """Raise a usage error from the block again with its Dutch message."""
    try:
        yield
    except _fouten.NoArgsIsHelpError:
        raise  # shows the (Dutch) help
    except _fouten.UsageError as fout:
        if getattr(fout, "_nederlands", False):
            raise
        nieuw = _fouten.UsageError(vertaal_fout(fout), fout.ctx or ctx)
        nieuw._nederlands = True  # type: ignore[attr-defined]
        raise nieuw from None


def _nl_weergave(param: Any) -> None:
    """Give a parameter Dutch type labels in the help (``<pad>``, no ``<bool>`` on a flag)."""
    if getattr(param, "_nederlands", False):
        return
    origineel: Callable[..., str | None] = param.display_type

    def weergave(ctx: Any) -> str | None:
        label = origineel(ctx)
        if label is None:
            return None
        return re.sub(r"<([^<>]*)>", lambda m: f"<{_type_nl(m.group(1))}>", label)

    def weergave_rich(ctx: Any) -> str | None:
        if getattr(param, "is_flag", False) and param.metavar is None:
            return None  # a flag takes no value
        if param.metavar is not None and param.param_type_name == "option":
            return str(param.metavar)  # an argument's metavar is its name, shown apart
        label = weergave(ctx)
        if label is not None and param.nargs != 1:
            return f"{label}..."
        return label

    param.display_type = weergave
    param.display_type_rich = weergave_rich
    param._nederlands = True


class _Nederlands:
    """Dutch usage line, help option, type labels and usage errors for a command."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        stukken = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        stukken = [
            s.replace("[OPTIONS]", "[OPTIES]")
            .replace("COMMAND", "OPDRACHT")
            .replace("[ARGS]", "[ARGUMENTEN]")
            for s in stukken
        ]
        formatter.write_usage(ctx.command_path, " ".join(stukken), prefix=GEBRUIK)

    def get_help_option(self, ctx: Any) -> Any:
        optie = super().get_help_option(ctx)  # type: ignore[misc]
        if optie is not None:
            optie.help = HULPTEKST
        return optie

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            _nl_weergave(param)
        return list(params)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        with _in_het_nederlands(ctx):
            return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]

    def invoke(self, ctx: Any) -> Any:
        with _in_het_nederlands(ctx):
            return super().invoke(ctx)  # type: ignore[misc]


class NederlandseOpdracht(_Nederlands, TyperCommand):
    """A typer command with Dutch usage, help option and usage errors."""


class NederlandseGroep(_Nederlands, TyperGroup):
    """A typer group (the ``allocatie`` command) with Dutch usage and errors."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        with _in_het_nederlands(ctx):
            return super().resolve_command(ctx, args)


class NederlandseTyper(typer.Typer):
    """`typer.Typer` whose group, commands and sub-apps speak Dutch (see module doc)."""

    def __init__(self, *args: Any, cls: type[TyperGroup] | None = None, **kwargs: Any) -> None:
        zet_typer_nederlands()
        super().__init__(*args, cls=cls or NederlandseGroep, **kwargs)

    def command(  # type: ignore[override]
        self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[..., Any]:
        return super().command(name, cls=cls or NederlandseOpdracht, **kwargs)

    def add_typer(  # type: ignore[override]
        self, typer_instance: typer.Typer, *, cls: type[TyperGroup] | None = None, **kwargs: Any
    ) -> None:
        super().add_typer(typer_instance, cls=cls or NederlandseGroep, **kwargs)

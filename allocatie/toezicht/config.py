"""The toezicht configuration (``toezicht.toml``) and the provincial intervention ladder.

TOML is parsed with :mod:`tomllib`; protected keys are refused by the shared
`allocatie.io.schema.weiger_beschermde_sleutels`, unknown keys with the shared
suggestion (`allocatie.io.schema.bedoelde_u`). Paths resolve against the folder
of the TOML. The keys are documented in ``docs/toezicht.md``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allocatie.io.schema import bedoelde_u, weiger_beschermde_sleutels
from allocatie.kern.errors import ConfiguratieFout
from allocatie.kern.periode import Periode

__all__ = [
    "STANDAARD_LADDER",
    "Ladder",
    "PeriodeInvoer",
    "ToezichtConfig",
    "Trede",
    "ladder_uit_dict",
    "lees_ladder",
    "lees_toezicht",
]


@dataclass(frozen=True)
class Trede:
    """A rung of the intervention ladder: reached after ``halfjaren`` half-years behind."""

    naam: str
    halfjaren: int


@dataclass(frozen=True)
class Ladder:
    """The provincial intervention ladder.

    Attributes
    ----------
    treden
        Rungs in ascending order of ``halfjaren`` (strictly increasing, from 1).
    marge_personen, marge_aandeel
        A half-year counts as *achter* (behind) when the gemeente's own arrears
        (``achterstand_eigen``) exceed both ``marge_personen`` and
        ``marge_aandeel`` times its taakstelling.
    provincie
        Whose ladder this is (for the report).
    """

    treden: tuple[Trede, ...]
    marge_personen: int = 0
    marge_aandeel: float = 0.0
    provincie: str = ""

    def trede(self, halfjaren_achter: int) -> str:
        """The rung for a number of consecutive half-years behind (``"geen"`` below the first).

        Examples
        --------
        >>> [STANDAARD_LADDER.trede(n) for n in (0, 1, 2, 3, 4, 7)]
        ['geen', 'signaal', 'waarschuwing', 'plan van aanpak', 'indeplaatsstelling', \
'indeplaatsstelling']
        """
        naam = "geen"
        for t in self.treden:
            if halfjaren_achter >= t.halfjaren:
                naam = t.naam
        return naam

    def is_achter(self, achterstand_eigen: int, taakstelling: int) -> bool:
        """Whether own arrears count as a half-year behind (see the margins).

        Examples
        --------
        >>> Ladder((Trede("signaal", 1),), marge_personen=2, marge_aandeel=0.1).is_achter(3, 40)
        False
        """
        return achterstand_eigen > self.marge_personen and (
            achterstand_eigen > self.marge_aandeel * taakstelling
        )


#: The default ladder (docs/toezicht.md): one rung per consecutive half-year behind,
#: indeplaatsstelling after four (as Zuid-Holland's practice), no margin.
STANDAARD_LADDER = Ladder(
    treden=(
        Trede("signaal", 1),
        Trede("waarschuwing", 2),
        Trede("plan van aanpak", 3),
        Trede("indeplaatsstelling", 4),
    ),
    provincie="standaard",
)


@dataclass(frozen=True)
class PeriodeInvoer:
    """One half-year of ``toezicht.toml`` (a ``[[periode]]`` table), paths resolved."""

    periode: Periode
    vg: int | None = None
    vg_herzien: int | None = None
    herzien_op: dt.date | None = None
    inwoners: Path | None = None
    inwoners_peildatum: dt.date | None = None
    inwoners_nl: int | None = None
    afwijkend_peiljaar: str | None = None
    art30: Path | None = None
    archief: Path | None = None


@dataclass(frozen=True)
class ToezichtConfig:
    """The parsed ``toezicht.toml``."""

    naam: str
    provincie: str
    perioden: tuple[PeriodeInvoer, ...]
    ladder: Ladder
    kwartaal: bool = True
    beginstand: Path | None = None
    bestanden: dict[str, Path] = field(default_factory=dict)
    pad: Path | None = None


_TOEZICHT = ("naam", "provincie", "ladder", "kwartaal", "beginstand")
_BESTANDEN = ("huisvestingen", "nareizigers", "koppelingen", "herindelingen", "provincies")
_PERIODE = (
    "periode",
    "vg",
    "vg_herzien",
    "herzien_op",
    "inwoners",
    "inwoners_peildatum",
    "inwoners_nl",
    "afwijkend_peiljaar",
    "art30",
    "archief",
)


def _laad(pad: Path) -> dict[str, Any]:
    if not pad.is_file():
        raise ConfiguratieFout("bestand bestaat niet; controleer het pad", bestand=pad)
    try:
        data = tomllib.loads(pad.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfiguratieFout(f"geen geldige TOML (UTF-8): {exc}", bestand=pad) from exc
    weiger_beschermde_sleutels(data, pad)
    return data


def _sleutels(tabel: Mapping[str, Any], geldig: tuple[str, ...], waar: str, pad: object) -> None:
    for sleutel in tabel:
        if sleutel not in geldig:
            raise ConfiguratieFout(
                f"onbekende sleutel in {waar}; geldig zijn {', '.join(geldig)}"
                + bedoelde_u(sleutel, geldig),
                bestand=None if pad is None else str(pad),
                kolom=f"{waar.strip('[]')}.{sleutel}",
            )


def _geheel(waarde: Any, kolom: str, pad: object, minimum: int = 0) -> int:
    if isinstance(waarde, bool) or not isinstance(waarde, int) or waarde < minimum:
        raise ConfiguratieFout(
            f"verwacht een geheel getal van minstens {minimum}",
            bestand=None if pad is None else str(pad),
            kolom=kolom,
            waarde=waarde,
        )
    return waarde


def _tekst(waarde: Any, kolom: str, pad: object) -> str:
    if not isinstance(waarde, str) or not waarde.strip():
        raise ConfiguratieFout(
            "verwacht niet-lege tekst",
            bestand=None if pad is None else str(pad),
            kolom=kolom,
            waarde=waarde,
        )
    return waarde.strip()


def _datum(waarde: Any, kolom: str, pad: object) -> dt.date:
    if isinstance(waarde, dt.datetime) or not isinstance(waarde, dt.date):
        raise ConfiguratieFout(
            "verwacht een datum zonder aanhalingstekens, bijv. 2024-01-01",
            bestand=None if pad is None else str(pad),
            kolom=kolom,
            waarde=waarde,
        )
    return waarde


def ladder_uit_dict(data: Mapping[str, Any], pad: object = None) -> Ladder:
    """The ladder from a parsed ``[ladder]`` table; missing keys take the defaults.

    Examples
    --------
    >>> l = ladder_uit_dict({"trede": [{"naam": "signaal", "halfjaren": 2},
    ...                                {"naam": "indeplaatsstelling", "halfjaren": 6}]})
    >>> l.trede(1), l.trede(2), l.trede(6)
    ('geen', 'signaal', 'indeplaatsstelling')
    """
    _sleutels(data, ("provincie", "marge_personen", "marge_aandeel", "trede"), "[ladder]", pad)
    treden = STANDAARD_LADDER.treden
    if "trede" in data:
        ruw = data["trede"]
        if not isinstance(ruw, list) or not ruw:
            raise ConfiguratieFout(
                "verwacht een of meer [[ladder.trede]]-tabellen met naam en halfjaren",
                bestand=None if pad is None else str(pad),
                kolom="ladder.trede",
            )
        lijst = []
        vorige = 0
        for i, t in enumerate(ruw, start=1):
            waar = f"ladder.trede[{i}]"
            if not isinstance(t, Mapping):
                raise ConfiguratieFout("verwacht een tabel", bestand=str(pad), kolom=waar)
            _sleutels(t, ("naam", "halfjaren"), f"[{waar}]", pad)
            n = _geheel(t.get("halfjaren"), f"{waar}.halfjaren", pad, minimum=1)
            if n <= vorige:
                raise ConfiguratieFout(
                    "de treden moeten oplopen: elke trede vraagt meer halfjaren achterstand "
                    f"dan de vorige ({vorige})",
                    bestand=None if pad is None else str(pad),
                    kolom=f"{waar}.halfjaren",
                    waarde=n,
                )
            vorige = n
            lijst.append(Trede(_tekst(t.get("naam"), f"{waar}.naam", pad), n))
        treden = tuple(lijst)
    marge_aandeel = data.get("marge_aandeel", 0.0)
    if (
        isinstance(marge_aandeel, bool)
        or not isinstance(marge_aandeel, int | float)
        or not 0 <= marge_aandeel < 1
    ):
        raise ConfiguratieFout(
            "verwacht een aandeel van 0 tot 1 (bijv. 0.05 voor 5% van de taakstelling)",
            bestand=None if pad is None else str(pad),
            kolom="ladder.marge_aandeel",
            waarde=marge_aandeel,
        )
    return Ladder(
        treden=treden,
        marge_personen=_geheel(data.get("marge_personen", 0), "ladder.marge_personen", pad),
        marge_aandeel=float(marge_aandeel),
        provincie=str(data.get("provincie", "")),
    )


def lees_ladder(pad: str | Path) -> Ladder:
    """Read a ladder TOML (one ``[ladder]`` table; see ``data/toezicht/ladder.toml``)."""
    pad = Path(pad)
    data = _laad(pad)
    _sleutels(data, ("ladder",), "het bestand", pad)
    return ladder_uit_dict(data.get("ladder", {}), pad)


def _periode(data: Mapping[str, Any], i: int, map_: Path, pad: Path) -> PeriodeInvoer:
    waar = f"periode[{i}]"
    if not isinstance(data, Mapping):
        raise ConfiguratieFout("verwacht een tabel [[periode]]", bestand=pad, kolom=waar)
    _sleutels(data, _PERIODE, f"[{waar}]", pad)
    try:
        periode = Periode.parse(_tekst(data.get("periode"), f"{waar}.periode", pad))
    except ConfiguratieFout as exc:
        raise ConfiguratieFout(
            exc.bericht, bestand=pad, kolom=f"{waar}.periode", waarde=exc.waarde
        ) from None

    def opt(sleutel: str, soort: str) -> Any:
        if sleutel not in data:
            return None
        kolom = f"{waar}.{sleutel}"
        if soort == "geheel":
            return _geheel(data[sleutel], kolom, pad)
        if soort == "datum":
            return _datum(data[sleutel], kolom, pad)
        if soort == "pad":
            return map_ / _tekst(data[sleutel], kolom, pad)
        return _tekst(data[sleutel], kolom, pad)

    p = PeriodeInvoer(
        periode=periode,
        vg=opt("vg", "geheel"),
        vg_herzien=opt("vg_herzien", "geheel"),
        herzien_op=opt("herzien_op", "datum"),
        inwoners=opt("inwoners", "pad"),
        inwoners_peildatum=opt("inwoners_peildatum", "datum"),
        inwoners_nl=opt("inwoners_nl", "geheel"),
        afwijkend_peiljaar=opt("afwijkend_peiljaar", "tekst"),
        art30=opt("art30", "pad"),
        archief=opt("archief", "pad"),
    )
    if p.archief is None:
        for sleutel in ("vg", "inwoners", "inwoners_peildatum"):
            if sleutel not in data:
                raise ConfiguratieFout(
                    "verplichte sleutel ontbreekt: een halfjaar heeft vg, inwoners en "
                    "inwoners_peildatum, of een rondearchief (archief)",
                    bestand=pad,
                    kolom=f"{waar}.{sleutel}",
                )
    else:
        for sleutel in ("vg", "vg_herzien", "inwoners", "art30"):
            if sleutel in data:
                raise ConfiguratieFout(
                    "een halfjaar met een rondearchief neemt de taakstelling uit het archief; "
                    f"laat '{sleutel}' weg of laat 'archief' weg",
                    bestand=pad,
                    kolom=f"{waar}.{sleutel}",
                )
    if p.herzien_op is not None and p.vg_herzien is None:
        raise ConfiguratieFout(
            "herzien_op zonder vg_herzien; geef het herziene landelijke aantal op",
            bestand=pad,
            kolom=f"{waar}.vg_herzien",
        )
    if p.herzien_op is not None and not (
        p.herzien_op <= p.periode.eind
        and p.herzien_op >= dt.date(p.periode.start.year - 1, p.periode.start.month, 1)
    ):
        raise ConfiguratieFout(
            f"de herziening valt niet vóór of in het halfjaar {p.periode.label}",
            bestand=pad,
            kolom=f"{waar}.herzien_op",
            waarde=p.herzien_op.isoformat(),
        )
    return p


def lees_toezicht(pad: str | Path) -> ToezichtConfig:
    """Read and check ``toezicht.toml`` (see ``data/toezicht/toezicht.toml``).

    Raises
    ------
    ConfiguratieFout
        On an unknown or missing key, a wrong type, or half-years that do not
        follow each other without a gap.
    """
    pad = Path(pad)
    if pad.is_dir():
        pad = pad / "toezicht.toml"
    data = _laad(pad)
    _sleutels(data, ("toezicht", "bestanden", "ladder", "periode"), "het bestand", pad)
    kop = data.get("toezicht", {})
    _sleutels(kop, _TOEZICHT, "[toezicht]", pad)
    bestanden = data.get("bestanden", {})
    _sleutels(bestanden, _BESTANDEN, "[bestanden]", pad)
    map_ = pad.parent
    if "ladder" in data and "ladder" in kop:
        raise ConfiguratieFout(
            "de ladder staat zowel in [ladder] als in toezicht.ladder; kies één",
            bestand=pad,
            kolom="toezicht.ladder",
        )
    if "ladder" in kop:
        ladder = lees_ladder(map_ / _tekst(kop["ladder"], "toezicht.ladder", pad))
    elif "ladder" in data:
        ladder = ladder_uit_dict(data["ladder"], pad)
    else:
        ladder = STANDAARD_LADDER
    ruw = data.get("periode")
    if not isinstance(ruw, list) or not ruw:
        raise ConfiguratieFout(
            "geen halfjaren; geef per halfjaar een tabel [[periode]]", bestand=pad, kolom="periode"
        )
    perioden = tuple(_periode(p, i, map_, pad) for i, p in enumerate(ruw, start=1))
    for i in range(1, len(perioden)):
        vorige, deze = perioden[i - 1].periode, perioden[i].periode
        if deze.start != vorige.eind + dt.timedelta(days=1):
            raise ConfiguratieFout(
                f"de halfjaren moeten op elkaar aansluiten, oudste eerst: na {vorige.label} "
                f"komt niet {deze.label}",
                bestand=pad,
                kolom=f"periode[{i + 1}].periode",
                waarde=deze.label,
            )
    kwartaal = kop.get("kwartaal", True)
    if not isinstance(kwartaal, bool):
        raise ConfiguratieFout(
            "verwacht true of false", bestand=pad, kolom="toezicht.kwartaal", waarde=kwartaal
        )
    return ToezichtConfig(
        naam=_tekst(kop.get("naam", "Toezicht"), "toezicht.naam", pad),
        provincie=_tekst(kop.get("provincie", "provincie"), "toezicht.provincie", pad),
        perioden=perioden,
        ladder=ladder,
        kwartaal=kwartaal,
        beginstand=(
            map_ / _tekst(kop["beginstand"], "toezicht.beginstand", pad)
            if "beginstand" in kop
            else None
        ),
        bestanden={s: map_ / _tekst(v, f"bestanden.{s}", pad) for s, v in bestanden.items()},
        pad=pad,
    )

"""The Excel workbook of a round: one sheet per view, Dutch headers, number formats.

Sheets (`BLADEN`, in order): the summary, per gemeente (task, carry-over,
placed, shortfall, status in words), per flexible site (units, occupancy,
vergunninghouder share against its maximum), the placements with their
explanation, the unplaced households with theirs, the households whose hard
criteria conflict (`allocatie.model.onhaalbaar`), the explanation per gemeente
with a shortfall, per housing option, the objective levels, model and solver
figures, and the parameters of the round. A re-run (``vorige``) adds what moved
and why (`allocatie.resultaat.verschuiving`) after the placements.

Every sheet is one named Excel Table (``Tabel_<blad>``, style `TABELSTIJL`,
with its filter buttons; numbers are stored as numbers) under a bold Dutch
header row that is frozen (with the identifying columns where a table is wide),
a number format per column (integers with thousands separators, percentages,
travel times in minutes with one decimal, seconds, dates) and a width that fits
its contents. Text that Excel would read as a formula is stored as text; a
character XML cannot hold (a control character) is stored as U+FFFD
(`allocatie.reports.tekst.xml_tekst`); all other text as is. The file is
written atomically with openpyxl and opens in Excel and LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from allocatie.io.atomisch import atomisch_pad
from allocatie.reports import overzicht as ov
from allocatie.reports.tekst import MAX_TITEL, veilige_tekst, xml_tekst
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance

__all__ = [
    "BLADEN",
    "BLAD_VERSCHUIVINGEN",
    "FORMATEN",
    "KOLOMMEN",
    "Kolom",
    "schrijf_tabel",
    "schrijf_werkboek",
]

#: Number format per kind of value (Excel codes; shown with the reader's locale separators).
FORMATEN: dict[str, str] = {
    "tekst": "General",
    "geheel": "#,##0",
    "decimaal": "#,##0.00",
    "kosten": "#,##0.00",
    "procent": "0.0%",
    "gap": "0.000%",
    "minuten": '#,##0" min"',
    "reistijd": '#,##0.0" min"',
    "seconden": '#,##0.000" s"',
    "weken": '0" weken"',
    "datum": "dd-mm-yyyy",
}

#: The sheet of a re-run (`AllocationResult.vorige`), after "Plaatsingen": what moved and why.
BLAD_VERSCHUIVINGEN: tuple[str, str] = ("verschuivingen", "Verschuivingen")
#: The sheet of a round with taakstelling swaps (preset ``[ruil]``), after "Per gemeente".
BLAD_RUILINGEN: tuple[str, str] = ("ruilingen", "Ruilingen")

#: Sheet key -> sheet name, in workbook order (plus `BLAD_VERSCHUIVINGEN` on a re-run).
BLADEN: dict[str, str] = {
    "samenvatting": "Samenvatting",
    "per_gemeente": "Per gemeente",
    "flexlocaties": "Flexlocaties",
    "plaatsingen": "Plaatsingen",
    "onbediend": "Onbediend",
    "onhaalbaar": "Onhaalbaar",
    "verklaring_gemeenten": "Verklaring gemeenten",
    "per_optie": "Per optie",
    "niveaus": "Doelniveaus",
    "solver": "Model en solver",
    "parameters": "Parameters",
}


@dataclass(frozen=True)
class Kolom:
    """One column of a table sheet: source column, Dutch header, format key, max width."""

    bron: str
    kop: str
    formaat: str = "tekst"
    max_breedte: int = 60


_REISTIJD = [
    Kolom(f"reistijd_{k}_min", f"Reistijd {k}", "reistijd")
    for k in ("werk", "studie", "familie", "zorg")
]
_UITLEG = [
    Kolom("harde_criteria", "Harde criteria"),
    Kolom("passende_opties", "Passende opties", "geheel"),
    Kolom("beste_alternatief", "Beste alternatief"),
    Kolom("alternatief_kosten", "Kosten alternatief", "kosten"),
    Kolom("reden", "Waarom niet het alternatief / waarom onbediend", max_breedte=80),
]

#: Table sheet key -> its columns (source column in the table, header, format).
KOLOMMEN: dict[str, list[Kolom]] = {
    "per_gemeente": [
        Kolom("gemeente_code", "Code"),
        Kolom("gemeente_naam", "Gemeente"),
        Kolom("provincie_code", "Provincie"),
        Kolom("inwoners", "Inwoners", "geheel"),
        Kolom("taakstelling", "Taakstelling", "geheel"),
        Kolom("achterstand", "Achterstand", "geheel"),
        Kolom("voorsprong", "Voorsprong", "geheel"),
        Kolom("gecorrigeerd", "Gecorrigeerde taak", "geheel"),
        Kolom("gerealiseerd", "Gerealiseerd vóór de ronde", "geheel"),
        Kolom("opgave", "Opgave (resterend)", "geheel"),
        Kolom("aanbod_personen", "Eigen aanbod (plaatsen)", "geheel"),
        Kolom("geplaatst", "Geplaatst (personen)", "geheel"),
        Kolom("huishoudens", "Geplaatst (huishoudens)", "geheel"),
        Kolom("vervulling", "Vervulling (% van opgave)", "procent"),
        Kolom("tekort", "Tekort", "geheel"),
        Kolom("relatief_tekort", "Tekort (% van opgave)", "procent"),
        Kolom("tekort_door_aanbod", "Tekort door eigen aanbod", "geheel"),
        Kolom("tekort_per_10000", "Tekort per 10.000 inwoners", "decimaal"),
        Kolom("overvulling", "Overvulling", "geheel"),
        Kolom("saldo", "Saldo volgende periode (+ achterstand, − voorsprong)", "geheel"),
        Kolom("status", "Status tegenover de taak", max_breedte=70),
    ],
    "flexlocaties": [
        Kolom("aanbod_id", "Locatie"),
        Kolom("naam", "Naam"),
        Kolom("gemeente_code", "Code"),
        Kolom("gemeente_naam", "Gemeente"),
        Kolom("eenheden_totaal", "Eenheden totaal", "geheel"),
        Kolom("eenheden", "Eenheden voor vergunninghouders", "geheel"),
        Kolom("eenheden_gebruikt", "Eenheden bezet", "geheel"),
        Kolom("bezetting_eenheden", "Bezetting eenheden (%)", "procent"),
        Kolom("capaciteit_personen", "Capaciteit (personen)", "geheel"),
        Kolom("personen", "Geplaatst (personen)", "geheel"),
        Kolom("huishoudens", "Geplaatst (huishoudens)", "geheel"),
        Kolom("bezetting", "Bezetting personen (%)", "procent"),
        Kolom("aandeel_vh", "Aandeel vergunninghouders", "procent"),
        Kolom("max_aandeel_vh", "Max. aandeel vergunninghouders", "procent"),
        Kolom("beschikbaar_vanaf", "Beschikbaar vanaf", "datum"),
        Kolom("beschikbaar_tot", "Beschikbaar tot", "datum"),
    ],
    "plaatsingen": [
        Kolom("huishouden_id", "Huishouden"),
        Kolom("personen", "Personen", "geheel"),
        Kolom("nareizigers", "Nareizigers", "geheel"),
        Kolom("aanbod_id", "Geplaatst in"),
        Kolom("soort", "Soort"),
        Kolom("gemeente_code", "Code"),
        Kolom("gemeente_naam", "Gemeente"),
        Kolom("azc_gemeente", "Azc-gemeente"),
        Kolom("kosten", "Kosten", "kosten"),
        Kolom("kosten_werk", "Kosten werk", "kosten"),
        Kolom("kosten_studie", "Kosten studie", "kosten"),
        Kolom("kosten_coa_regio", "Kosten COA-regio", "kosten"),
        Kolom("kosten_flex", "Kosten flex", "kosten"),
        *_REISTIJD,
        *_UITLEG,
    ],
    "onbediend": [
        Kolom("huishouden_id", "Huishouden"),
        Kolom("personen", "Personen", "geheel"),
        Kolom("ruimte", "Ruimte nodig (incl. nareizigers)", "geheel"),
        *_UITLEG,
    ],
    "onhaalbaar": [
        Kolom("huishouden_id", "Huishouden"),
        Kolom("personen", "Personen", "geheel"),
        Kolom("ruimte", "Ruimte nodig (incl. nareizigers)", "geheel"),
        Kolom("criteria", "Tegenstrijdige criteria"),
        Kolom("conflict", "Conflict (opties per criterium)", max_breedte=100),
    ],
    "verschuivingen": [
        Kolom("huishouden_id", "Huishouden"),
        Kolom("personen", "Personen", "geheel"),
        Kolom("soort", "Soort"),
        Kolom("vorige_optie", "Vorige optie"),
        Kolom("vorige_gemeente", "Vorige gemeente"),
        Kolom("nieuwe_optie", "Nieuwe optie"),
        Kolom("nieuwe_gemeente", "Nieuwe gemeente"),
        Kolom("telt_mee", "Telt voor stabiliteit"),
        Kolom("reden", "Waarom", max_breedte=100),
    ],
    "ruilingen": [
        Kolom("regio_soort", "Regiosoort"),
        Kolom("regio_code", "Regio"),
        Kolom("van_gemeente", "Van (code)"),
        Kolom("van_naam", "Draagt over"),
        Kolom("naar_gemeente", "Naar (code)"),
        Kolom("naar_naam", "Neemt over"),
        Kolom("personen", "Personen", "geheel"),
    ],
    "verklaring_gemeenten": [
        Kolom("gemeente_code", "Code"),
        Kolom("gemeente_naam", "Gemeente"),
        Kolom("opgave", "Opgave", "geheel"),
        Kolom("geplaatst", "Geplaatst", "geheel"),
        Kolom("tekort", "Tekort", "geheel"),
        Kolom("tekort_door_aanbod", "Tekort door eigen aanbod", "geheel"),
        Kolom("verklaring", "Verklaring", max_breedte=100),
    ],
    "per_optie": [
        Kolom("aanbod_id", "Optie"),
        Kolom("soort", "Soort"),
        Kolom("naam", "Naam"),
        Kolom("gemeente_code", "Code"),
        Kolom("eenheden", "Eenheden", "geheel"),
        Kolom("eenheden_gebruikt", "Eenheden bezet", "geheel"),
        Kolom("capaciteit_personen", "Capaciteit (personen)", "geheel"),
        Kolom("huishoudens", "Huishoudens", "geheel"),
        Kolom("personen", "Personen", "geheel"),
        Kolom("ruimte_gebruikt", "Ruimte gebruikt (incl. nareizigers)", "geheel"),
    ],
    "niveaus": [
        Kolom("volgorde", "Volgorde", "geheel"),
        Kolom("niveau", "Niveau"),
        Kolom("omschrijving", "Omschrijving"),
        Kolom("eenheid", "Telt"),
        Kolom("status", "Status"),
        Kolom("waarde", "Waarde bij oplossen", "rij"),
        Kolom("grens", "Grens (bewezen)", "rij"),
        Kolom("gap", "Gap", "gap"),
        Kolom("vastgehouden_op", "Vastgehouden op", "rij"),
        Kolom("herberekend", "Eindwaarde (uit de plaatsingen)", "rij"),
        Kolom("tijd_s", "Rekentijd", "seconden"),
    ],
    "solver": [
        Kolom("onderdeel", "Onderdeel"),
        Kolom("waarde", "Waarde", "rij"),
        Kolom("eenheid", "Eenheid"),
    ],
    "parameters": [
        Kolom("onderdeel", "Onderdeel"),
        Kolom("parameter", "Parameter"),
        Kolom("waarde", "Waarde", "rij", max_breedte=80),
        Kolom("eenheid", "Eenheid"),
    ],
    "samenvatting": [
        Kolom("onderwerp", "Onderwerp"),
        Kolom("waarde", "Waarde", "rij", max_breedte=100),
    ],
}

#: Columns whose text wraps, per sheet.
TERUGLOOP: dict[str, tuple[str, ...]] = {
    "verklaring_gemeenten": ("verklaring",),
    "onhaalbaar": ("conflict",),
    "verschuivingen": ("reden",),
}

#: Frozen cell per sheet: the header row, plus the identifying columns of wide tables.
BEVROREN: dict[str, str] = {"per_gemeente": "C2", "plaatsingen": "B2", "flexlocaties": "B2"}

#: Per-row value format for the key-value sheets, from their ``eenheid`` column.
_EENHEID_FORMAAT: dict[str, str] = {
    "aandeel": "gap",
    "seconden": "seconden",
    "minuten": "minuten",
    "weken": "weken",
    "aantal": "geheel",
    "datum": "datum",
    "kostenpunten": "decimaal",
}

_KOP_FONT = Font(bold=True)
_KOP_VULLING = PatternFill("solid", fgColor="E8ECF1")
_KOP_RAND = Border(bottom=Side(style="thin", color="7F8C9A"))
_KOP_UITLIJNING = Alignment(wrap_text=True, vertical="top")
_TEKST_TERUGLOOP = Alignment(wrap_text=True, vertical="top")
_LINKS = Alignment(horizontal="left")
#: Header text wraps from this many characters on: a wide column for a long header wastes space.
_KOP_MAX = 18
_FORMULE = re.compile(r"^[=+\-@]")
#: The look of every Excel Table (a built-in style: blue header, banded rows).
TABELSTIJL = "TableStyleMedium2"


def tabelnaam(ws: Worksheet, naam: str | None = None) -> str:
    """A valid Excel Table name, unique in the workbook: ``Tabel_<naam of sheet title>``.

    Excel allows letters, digits, ``_`` and ``.`` (first a letter or ``_``), no
    name that reads as a cell; ``Tabel_`` in front takes care of both.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> ws.title = "Per gemeente"
    >>> tabelnaam(ws)
    'Tabel_Per_gemeente'
    """
    basis = "Tabel_" + re.sub(r"[^0-9A-Za-z_.]+", "_", naam or ws.title).strip("_")
    bezet = {t.lower() for blad in ws.parent.worksheets for t in blad.tables}
    kandidaat, i = basis, 2
    while kandidaat.lower() in bezet:
        kandidaat, i = f"{basis}_{i}", i + 1
    return kandidaat


def _samenvatting(inst: Instance, res: AllocationResult) -> tuple[pd.DataFrame, list[str]]:
    """Rows of the summary sheet and the format key of each row's value."""
    k = ov.kerncijfers(inst, res)
    rijen: list[tuple[str, Any, str]] = [
        ("Ronde", inst.naam, "tekst"),
        ("Periode", inst.periode.label, "tekst"),
        ("Modelpreset", inst.preset.naam, "tekst"),
        ("Status", res.status.value, "tekst"),
        ("Solver", res.solver, "tekst"),
        ("Gap (grootste over de niveaus)", res.gap, "gap"),
        ("Rekentijd", res.wall_s, "seconden"),
        ("Gemeenten", k["gemeenten"], "geheel"),
        ("Huishoudens geplaatst", k["huishoudens_geplaatst"], "geheel"),
        ("Personen geplaatst", k["personen_geplaatst"], "geheel"),
        ("Huishoudens onbediend", k["huishoudens_onbediend"], "geheel"),
        ("Personen onbediend", k["personen_onbediend"], "geheel"),
        ("Taakstelling (personen)", k["taakstelling"], "geheel"),
        ("Resterende opgave (personen)", k["opgave"], "geheel"),
        *(
            [
                ("Overgedragen door ruil (personen)", k["geruild"], "geheel"),
                ("Opgave na ruil (personen)", k["opgave_na_ruil"], "geheel"),
            ]
            if "geruild" in k
            else []
        ),
        ("Tekort op taakstellingen (personen)", k["tekort"], "geheel"),
        ("Tekort door te weinig eigen aanbod (personen)", k["tekort_door_aanbod"], "geheel"),
        ("Gemeenten met tekort", k["gemeenten_met_tekort"], "geheel"),
        ("Overvulling (personen)", k["overvulling"], "geheel"),
        ("Eerlijkheid (grootste vermijdbare relatieve tekort)", k["eerlijkheid"], "procent"),
        ("Huishoudens zonder passende optie (onhaalbaar)", len(res.onhaalbaar), "geheel"),
        *(
            [
                ("Vorige uitkomst", res.vorige.bron, "tekst"),
                (
                    "Verschuivingen t.o.v. de vorige uitkomst (huishoudens)",
                    int(res.verschuivingen["telt_mee"].astype(bool).sum()),
                    "geheel",
                ),
            ]
            if res.vorige is not None
            else []
        ),
        *((f"Signaal {i + 1}", t, "tekst") for i, t in enumerate(res.signalen)),
    ]
    df = pd.DataFrame([(a, b) for a, b, _ in rijen], columns=["onderwerp", "waarde"])
    return df, [f for _, _, f in rijen]


def _niveaus(res: AllocationResult) -> tuple[pd.DataFrame, list[str]]:
    """The levels table and each row's value format (percent for shares)."""
    n = ov.niveaus_tabel(res)
    n.insert(0, "volgorde", range(1, len(n) + 1))
    n.insert(2, "omschrijving", [ov.NIVEAUS.get(x, ("", ""))[0] for x in n["niveau"]])
    eenheden = [ov.NIVEAUS.get(x, ("", ""))[1] for x in n["niveau"]]
    formaat = {"aandeel": "gap", "personen": "geheel", "huishoudens": "geheel"}
    return n, [formaat.get(e, "decimaal") for e in eenheden]


def _celwaarde(v: Any) -> Any:
    """A value openpyxl writes as a proper cell: no NaN/NaT, no numpy types, safe text."""
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, bool | np.bool_):
        return "ja" if v else "nee"
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, str):
        return xml_tekst(v)
    return v


def _tekstbreedte(v: Any, formaat: str) -> int:
    """Approximate displayed width (characters) of a value in a format."""
    if v is None:
        return 0
    if isinstance(v, bool):
        return 3
    if isinstance(v, dt.date):
        return 10
    if isinstance(v, int | float):
        if formaat in ("procent", "gap"):
            return len(f"{100 * v:.3f}") + 1
        if formaat in ("decimaal", "kosten"):
            return len(f"{v:,.2f}")
        if formaat == "reistijd":
            return len(f"{v:,.1f}") + 4
        if formaat in ("minuten", "seconden", "weken"):
            return len(f"{v:,.0f}") + 6
        return len(f"{v:,.0f}")
    return max((len(regel) for regel in str(v).splitlines()), default=0)


def schrijf_tabel(
    ws: Worksheet,
    df: pd.DataFrame,
    kolommen: Sequence[Kolom],
    *,
    rij_formaten: Sequence[str] | None = None,
    bevroren: str = "A2",
    terugloop: Sequence[str] = (),
    naam: str | None = None,
) -> None:
    """Write ``df`` as an Excel Table: header, values, formats, widths, freeze, filter.

    Used for every sheet of the round's workbook and of the plan's
    (`allocatie.planning.uitvoer.werkboek`), so both look alike. Text that Excel would
    read as a formula is stored as text.

    Parameters
    ----------
    ws
        The (empty) worksheet to write into, from cell A1.
    df
        The table; a column named in ``kolommen`` but missing here is left blank.
    kolommen
        The columns in sheet order: source column, Dutch header and format
        (a key of `FORMATEN`, or ``"rij"``).
    rij_formaten
        The format per row for the columns whose format is ``"rij"`` (values
        of different kinds in one column); ``"tekst"`` when not given.
    bevroren
        The top-left cell not frozen (``"A2"``: only the header row).
    terugloop
        Source columns whose text wraps; their rows grow to fit it.
    naam
        The name of the Excel Table (`tabelnaam`); from the sheet's title when
        not given.
    """
    koppen = [k.kop for k in kolommen]
    if len(set(koppen)) != len(koppen):  # an Excel Table needs unique headers
        dubbel = sorted({k for k in koppen if koppen.count(k) > 1})
        raise ValueError(f"dubbele kolomkoppen in blad {ws.title!r}: {', '.join(dubbel)}")
    for j, k in enumerate(kolommen, start=1):
        cel = ws.cell(row=1, column=j, value=k.kop)
        cel.font, cel.fill, cel.border, cel.alignment = (
            _KOP_FONT,
            _KOP_VULLING,
            _KOP_RAND,
            _KOP_UITLIJNING,
        )
    breedtes = [0] * len(kolommen)
    for j, k in enumerate(kolommen):
        waarden = df[k.bron].tolist() if k.bron in df.columns else [None] * len(df)
        for i, ruw in enumerate(waarden):
            v = _celwaarde(ruw)
            cel = ws.cell(row=i + 2, column=j + 1, value=v)
            if isinstance(v, str) and _FORMULE.match(v):
                cel.data_type = "s"  # never a formula: text from input files stays text
            formaat = k.formaat
            if formaat == "rij":
                formaat = rij_formaten[i] if rij_formaten is not None else "tekst"
            if not isinstance(v, str) and v is not None:
                cel.number_format = FORMATEN[formaat]
            if k.formaat == "rij":  # mixed kinds in one column: align all like text
                cel.alignment = _LINKS
            if k.bron in terugloop:
                cel.alignment = _TEKST_TERUGLOOP
            if i < 2000:  # widths from a sample: enough for a national round
                breedtes[j] = max(breedtes[j], _tekstbreedte(v, formaat))
    koplijnen = 1
    for j, k in enumerate(kolommen):
        inhoud = min(breedtes[j], k.max_breedte)
        breedte = max(inhoud, min(len(k.kop), _KOP_MAX), 6) + 2
        koplijnen = max(koplijnen, math.ceil(len(k.kop) / (breedte - 1)))
        ws.column_dimensions[get_column_letter(j + 1)].width = breedte
    ws.row_dimensions[1].height = 15 * koplijnen + 2
    if terugloop:
        for i in range(len(df)):
            lijnen = 1
            for j, k in enumerate(kolommen):
                if k.bron in terugloop:
                    tekst = str(ws.cell(row=i + 2, column=j + 1).value or "")
                    breedte = ws.column_dimensions[get_column_letter(j + 1)].width - 2
                    lijnen = max(lijnen, math.ceil(len(tekst) / max(breedte * 0.95, 1)))
            if lijnen > 1:
                ws.row_dimensions[i + 2].height = 15 * lijnen
    ws.freeze_panes = bevroren
    # An Excel Table (Invoegen > Tabel) over header and rows: filter buttons, banded rows,
    # a name to refer to (=SOM(Tabel_per_gemeente[Tekort])). It brings its own filter;
    # a sheet filter on the same cells would clash with it. Excel wants at least one
    # row under the header: an empty table gets one blank row, as Excel makes it.
    ref = f"A1:{get_column_letter(len(kolommen))}{max(len(df), 1) + 1}"
    tabel = Table(displayName=tabelnaam(ws, naam), ref=ref)
    tabel.tableStyleInfo = TableStyleInfo(name=TABELSTIJL, showRowStripes=True)
    ws.add_table(tabel)


#: Extra columns of "Per gemeente" in a round with taakstelling swaps, after the opgave.
RUILKOLOMMEN: list[Kolom] = [
    Kolom("ruil_af", "Overgedragen aan andere gemeenten (ruil)", "geheel"),
    Kolom("ruil_bij", "Overgenomen van andere gemeenten (ruil)", "geheel"),
    Kolom("opgave_na_ruil", "Opgave na ruil", "geheel"),
]


def _met_ruilkolommen(kolommen: list[Kolom]) -> list[Kolom]:
    """``kolommen`` of "Per gemeente" with `RUILKOLOMMEN` right after the opgave."""
    i = [k.bron for k in kolommen].index("opgave") + 1
    return [*kolommen[:i], *RUILKOLOMMEN, *kolommen[i:]]


def schrijf_werkboek(
    inst: Instance,
    res: AllocationResult,
    pad: str | Path,
    verklaring: dict[str, pd.DataFrame] | None = None,
) -> Path:
    """Write the round's Excel workbook (sheets `BLADEN`) atomically.

    Parameters
    ----------
    inst
        The round.
    res
        Its (verified) result.
    pad
        The ``.xlsx`` file; its folder must exist.
    verklaring
        The explanation tables (`allocatie.reports.overzicht.verklaringen`),
        computed here if not given.

    Returns
    -------
    Path
        The written workbook.
    """
    pad = Path(pad)
    v = ov.verklaringen(inst, res) if verklaring is None else verklaring
    samenvatting, samenvatting_formaten = _samenvatting(inst, res)
    par = ov.parameters(inst)
    sol = ov.solvercijfers(res)
    niveaus, niveau_formaten = _niveaus(res)
    tabellen: dict[str, pd.DataFrame] = {
        "samenvatting": samenvatting,
        "per_gemeente": ov.gemeente_overzicht(inst, res),
        "flexlocaties": ov.flex_overzicht(inst, res),
        "plaatsingen": ov.plaatsingen_met_verklaring(inst, res, v["verklaring"]),
        "onbediend": ov.onbediend_met_verklaring(inst, res, v["verklaring"]),
        "onhaalbaar": res.onhaalbaar,
        "verklaring_gemeenten": v["verklaring_gemeenten"],
        "per_optie": res.per_optie,
        "niveaus": niveaus,
        "solver": sol,
        "parameters": par,
    }
    rij_formaten: dict[str, list[str]] = {
        "samenvatting": samenvatting_formaten,
        "niveaus": niveau_formaten,
        "solver": [_EENHEID_FORMAAT.get(e, "tekst") for e in sol["eenheid"]],
        "parameters": [_EENHEID_FORMAAT.get(e, "tekst") for e in par["eenheid"]],
    }
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = veilige_tekst(f"{inst.naam} ({inst.periode.label})", MAX_TITEL)
    wb.properties.creator = "allocatie"
    bladen = list(BLADEN.items())
    if res.vorige is not None:
        tabellen["verschuivingen"] = res.verschuivingen
        bladen.insert(list(BLADEN).index("plaatsingen") + 1, BLAD_VERSCHUIVINGEN)
    if inst.preset.ruil.toegestaan:
        tabellen["ruilingen"] = res.ruilingen
        bladen.insert([k for k, _ in bladen].index("per_gemeente") + 1, BLAD_RUILINGEN)
    kolommen = dict(KOLOMMEN)
    if inst.preset.ruil.toegestaan:
        kolommen["per_gemeente"] = _met_ruilkolommen(KOLOMMEN["per_gemeente"])
    for sleutel, naam in bladen:
        ws = wb.create_sheet(naam)
        schrijf_tabel(
            ws,
            tabellen[sleutel],
            kolommen[sleutel],
            rij_formaten=rij_formaten.get(sleutel),
            bevroren=BEVROREN.get(sleutel, "A2"),
            terugloop=TERUGLOOP.get(sleutel, ()),
            naam=sleutel,
        )
    with atomisch_pad(pad) as tmp:
        wb.save(tmp)
    return pad

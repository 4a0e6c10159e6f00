"""An empty round as one Excel workbook (``ronde.xlsx``), ready to fill in.

`schrijf_sjabloon` writes a sheet ``ronde`` with the settings, one sheet per table
with the columns of ``data/SCHEMA.md`` (required columns first), a help sheet
``uitleg`` that explains every column in Dutch, and data-validation lists for the
codes: gemeente codes from the sheet ``gemeenten``, vervoer, regiosoort, the soort of
a vastlegging, the reistijd modus and the model preset. The filled-in workbook is a
round: ``allocatie ronde MAP`` (or ``laad_ronde``) reads it
(`allocatie.io.werkboeklezer`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from allocatie.invoer.validate import VASTLEGGING_SOORTEN
from allocatie.io.atomisch import atomisch_pad
from allocatie.io.kolomuitleg import KOLOMUITLEG, RONDE_UITLEG
from allocatie.io.lezen import OPTIONELE_BESTANDEN, VERPLICHTE_BESTANDEN
from allocatie.io.schema import TABELSCHEMA
from allocatie.io.werkboeklezer import RONDEBLAD
from allocatie.ronde.instance import REGIOSOORTEN
from allocatie.ronde.presets import VERVOERSWIJZEN, beschikbare_presets

__all__ = ["BLADEN", "schrijf_sjabloon"]

#: The table sheets, in the order of the workbook.
BLADEN: tuple[str, ...] = (*VERPLICHTE_BESTANDEN, *OPTIONELE_BESTANDEN)

#: Columns holding a gemeente code (validated against the sheet ``gemeenten``).
_GEMEENTEKOLOMMEN = {
    "gemeente_code",
    "azc_gemeente",
    "werk_gemeente",
    "studie_gemeente",
    "familie_gemeente",
    "zorg_gemeente",
    "van",
    "naar",
}
#: Fixed code lists per (sheet, column).
_KEUZES: dict[tuple[str, str], tuple[str, ...]] = {
    ("huishoudens", "vervoer"): VERVOERSWIJZEN,
    ("reistijden", "modus"): VERVOERSWIJZEN,
    ("regiocapaciteit", "regio_soort"): tuple(REGIOSOORTEN),
    ("vastleggingen", "soort"): VASTLEGGING_SOORTEN,
}
_MAX_RIJ = 100_000  # rows a validation list covers


def _kolomletter(j: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(j + 1))


def _validatie(ws: object, formule: str, bereik: str, wat: str, *, streng: bool = True) -> None:
    """A drop-down list on ``bereik``; ``streng``: Excel refuses other values, else warns."""
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(
        type="list", formula1=formule, allow_blank=True, errorStyle="stop" if streng else "warning"
    )
    dv.error = f"Kies {wat} uit de lijst."
    dv.errorTitle = "Ongeldige waarde"
    dv.prompt = f"Kies {wat} uit de lijst."
    dv.showErrorMessage = True
    dv.add(bereik)
    ws.add_data_validation(dv)  # type: ignore[attr-defined]


def schrijf_sjabloon(
    map_: str | os.PathLike[str], *, overschrijf: bool = False, presets: Sequence[str] = ()
) -> Path:
    """Write an empty ``ronde.xlsx`` in ``map_`` (created if needed), atomically.

    Parameters
    ----------
    map_
        The folder of the round.
    overschrijf
        Replace an existing ``ronde.xlsx``; without it that is an error.
    presets
        Model presets for the validation list of ``model`` (default: those in ``models/``).

    Returns
    -------
    Path
        The workbook written.

    Raises
    ------
    FileExistsError
        When ``ronde.xlsx`` exists and ``overschrijf`` is false.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    doel = Path(map_) / "ronde.xlsx"
    if doel.exists() and not overschrijf:
        raise FileExistsError(doel)
    doel.parent.mkdir(parents=True, exist_ok=True)
    vet = Font(bold=True)
    wb = Workbook()
    ronde = wb.active
    ronde.title = RONDEBLAD
    ronde.append(["sleutel", "waarde", "uitleg"])
    for sleutel, (soort, verplicht, uitleg) in RONDE_UITLEG.items():
        standaard = {"model": "standaard", "backend": "highs"}.get(sleutel)
        ronde.append([sleutel, standaard, f"{uitleg} ({soort}; verplicht: {verplicht})"])
    rij_model = 2 + list(RONDE_UITLEG).index("model")
    rij_backend = 2 + list(RONDE_UITLEG).index("backend")
    namen = list(presets) or beschikbare_presets()
    # a path to an own preset (.toml) is valid too: warn, do not refuse
    _validatie(ronde, f'"{",".join(namen)}"', f"B{rij_model}", "een modelpreset", streng=False)
    _validatie(ronde, '"highs,cbc"', f"B{rij_backend}", "een solver")
    for ws_kop in ronde[1]:
        ws_kop.font = vet
    ronde.column_dimensions["A"].width = 16
    ronde.column_dimensions["B"].width = 30
    ronde.column_dimensions["C"].width = 90

    gemeentelijst = f"=gemeenten!$A$2:$A${_MAX_RIJ}"
    for blad in BLADEN:
        ws = wb.create_sheet(blad)
        kolommen = TABELSCHEMA[blad].kolommen
        ws.append(list(kolommen))
        for j, kolom in enumerate(kolommen):
            cel = ws.cell(row=1, column=j + 1)
            cel.font = vet
            letter = _kolomletter(j)
            ws.column_dimensions[letter].width = max(12, len(kolom) + 2)
            bereik = f"{letter}2:{letter}{_MAX_RIJ}"
            if kolom in _GEMEENTEKOLOMMEN and blad != "gemeenten":
                _validatie(ws, gemeentelijst, bereik, "een gemeentecode van het blad gemeenten")
            elif (blad, kolom) in _KEUZES:
                _validatie(ws, f'"{",".join(_KEUZES[blad, kolom])}"', bereik, f"een {kolom}")
        ws.freeze_panes = "A2"

    uitleg = wb.create_sheet("uitleg")
    uitleg.append(["blad", "kolom", "soort", "verplicht", "uitleg"])
    for sleutel, (soort, verplicht, tekst) in RONDE_UITLEG.items():
        uitleg.append([RONDEBLAD, sleutel, soort, verplicht, tekst])
    for blad in BLADEN:
        for kolom in TABELSCHEMA[blad].kolommen:
            soort, verplicht, tekst = KOLOMUITLEG[blad][kolom]
            uitleg.append([blad, kolom, soort, verplicht, tekst])
    for cel in uitleg[1]:
        cel.font = vet
    for letter, breedte in zip("ABCDE", (16, 24, 26, 18, 100), strict=True):
        uitleg.column_dimensions[letter].width = breedte
    for rij in uitleg.iter_rows(min_row=2):
        rij[4].alignment = Alignment(wrap_text=True, vertical="top")
    uitleg.freeze_panes = "A2"

    with atomisch_pad(doel) as tijdelijk:
        wb.save(tijdelijk)
    return doel

"""The Dutch explanation of every column of a round's tables, for the workbook template.

Taken from ``data/SCHEMA.md`` (the user documentation of the tables): per table and
column its kind, whether it is required, and what it means. `allocatie.invoer.sjabloon`
writes it on the help sheet of ``ronde.xlsx``; a test keeps it complete against
`allocatie.io.schema.TABELSCHEMA`.
"""

# ruff: noqa: E501  (one explanation per line, as in data/SCHEMA.md)
from __future__ import annotations

#: Table -> column -> (kind, required, meaning), in the order of the table's schema.
KOLOMUITLEG: dict[str, dict[str, tuple[str, str, str]]] = {
    "gemeenten": {
        "gemeente_code": ("tekst GM + 4 cijfers", "ja", "CBS-code, uniek"),
        "gemeente_naam": ("tekst", "ja", "naam"),
        "provincie_code": ("tekst PV + 2 cijfers", "ja", "provincie"),
        "arbeidsmarktregio_code": ("tekst AM + 2 cijfers", "ja", "arbeidsmarktregio"),
        "coa_regio": ("tekst", "ja", "COA-regio (vrije naam, bijv. Noord)"),
        "inwoners": ("geheel > 0", "ja", "CBS-inwoners op 1 januari van het jaar vóór de periode"),
        "x": (
            "getal (RD, meter)",
            "nee",
            "x-coördinaat in RD (EPSG:28992) als er geen geometrie is",
        ),
        "y": (
            "getal (RD, meter)",
            "nee",
            "y-coördinaat in RD (EPSG:28992) als er geen geometrie is",
        ),
    },
    "taakstelling": {
        "gemeente_code": ("tekst", "ja", "moet in gemeenten staan; elke gemeente precies één keer"),
        "taakstelling": ("geheel", "ja", "wettelijke taakstelling van de periode (personen)"),
        "achterstand": ("geheel", "nee (0)", "achterstand uit vorige perioden (personen)"),
        "voorsprong": ("geheel", "nee (0)", "voorsprong uit vorige perioden (personen)"),
        "gerealiseerd": ("geheel", "nee (0)", "deze periode al gehuisvest (personen)"),
    },
    "huishoudens": {
        "huishouden_id": ("tekst", "ja", "pseudoniem, uniek (geen naam, geen V-nummer)"),
        "personen": ("geheel ≥ 1", "ja", "nu aanwezige personen; telt voor de taakstelling"),
        "azc_gemeente": ("gemeentecode", "ja", "gemeente van het azc waar het huishouden nu woont"),
        "gereed_datum": ("datum", "ja", "datum waarop het huishouden gekoppeld/klaar is"),
        "nareizigers": (
            "geheel",
            "nee (0)",
            "verwachte gezinsleden: er wordt ruimte voor gereserveerd",
        ),
        "werk_gemeente": (
            "gemeentecode",
            "nee",
            "gemeente van een arbeidscontract (hard criterium)",
        ),
        "studie_gemeente": (
            "gemeentecode",
            "nee",
            "gemeente van een studietoelating (hard criterium)",
        ),
        "familie_gemeente": (
            "gemeentecode",
            "nee",
            "gemeente van eerstegraads familie (hard criterium)",
        ),
        "zorg_gemeente": (
            "gemeentecode",
            "nee",
            "gemeente van specifieke medische behandeling (hard criterium)",
        ),
        "vervoer": (
            "ov | auto",
            "nee (preset: standaard_vervoer)",
            "waarmee de reistijden van dit huishouden gemeten worden",
        ),
    },
    "woningaanbod": {
        "aanbod_id": ("tekst", "ja", "uniek over woningaanbod én flexlocaties"),
        "gemeente_code": ("gemeentecode", "ja", "gemeente van de woningen"),
        "min_personen": ("geheel ≥ 1", "ja", "kleinste huishouden (incl. nareizigers) dat er past"),
        "max_personen": (
            "geheel ≥ min_personen",
            "ja",
            "grootste huishouden (incl. nareizigers) dat er past",
        ),
        "woningen": ("geheel", "ja", "aantal woningen beschikbaar voor vergunninghouders"),
        "beschikbaar_vanaf": ("datum", "ja", "vanaf wanneer de woningen vrij zijn"),
        "max_per_woning": (
            "geheel ≥ 1",
            "nee (1)",
            "hoeveel alleenstaanden één woning mogen delen",
        ),
    },
    "flexlocaties": {
        "aanbod_id": ("tekst", "ja", "uniek over woningaanbod én flexlocaties"),
        "gemeente_code": ("gemeentecode", "ja", "gemeente waarin de locatie ligt"),
        "eenheden": ("geheel", "ja", "wooneenheden op de locatie (alle doelgroepen samen)"),
        "capaciteit_personen": (
            "geheel",
            "ja",
            "maximaal aantal vergunninghouders (personen) op de locatie",
        ),
        "max_personen": ("geheel", "ja", "grootste huishouden (incl. nareizigers) per eenheid"),
        "beschikbaar_vanaf": ("datum", "ja", "opening"),
        "naam": ("tekst", "nee", "naam van de locatie"),
        "x": ("getal (RD, meter)", "nee", "x-coördinaat van de locatie in RD (EPSG:28992)"),
        "y": ("getal (RD, meter)", "nee", "y-coördinaat van de locatie in RD (EPSG:28992)"),
        "max_aandeel_vh": (
            "getal in (0, 1]",
            "nee (1)",
            "maximaal aandeel eenheden voor vergunninghouders (mix-wonen)",
        ),
        "min_personen": ("geheel ≥ 1", "nee (1)", "kleinste huishouden per eenheid"),
        "max_per_eenheid": (
            "geheel ≥ 1",
            "nee (1)",
            "hoeveel alleenstaanden één eenheid mogen delen",
        ),
        "beschikbaar_tot": ("datum", "nee", "sluiting; moet na beschikbaar_vanaf liggen"),
    },
    "regiocapaciteit": {
        "regio_soort": ("provincie | arbeidsmarktregio | coa_regio", "ja", "soort regio"),
        "regio_code": ("tekst", "ja", "code zoals in gemeenten"),
        "max_personen": ("geheel", "ja", "maximaal te plaatsen personen in de regio deze ronde"),
    },
    "reistijden": {
        "van": ("gemeentecode", "ja", "gemeente van vertrek"),
        "naar": ("gemeentecode", "ja", "gemeente van aankomst"),
        "minuten": ("getal ≥ 0", "ja", "reistijd in minuten (ook van een gemeente naar zichzelf)"),
        "modus": (
            "ov | auto",
            "nee",
            "zonder deze kolom gelden de tijden voor beide vervoerswijzen",
        ),
    },
    "vastleggingen": {
        "huishouden_id": ("tekst", "ja", "huishouden uit huishoudens"),
        "soort": (
            "vast | verbod",
            "ja",
            "vast: het huishouden moet in deze optie (of, met alleen gemeente_code, in een optie van deze gemeente); verbod: nooit in deze optie (of gemeente)",
        ),
        "aanbod_id": ("tekst", "nee*", "optie uit woningaanbod of flexlocaties"),
        "gemeente_code": (
            "gemeentecode",
            "nee*",
            "gemeente uit gemeenten; bij een aanbod_id moet de optie in deze gemeente liggen",
        ),
        "toelichting": ("tekst", "nee", "vrije tekst; komt terug in de uitleg"),
    },
}

#: The settings on the sheet ``ronde``: key -> (kind, required, meaning).
RONDE_UITLEG: dict[str, tuple[str, str, str]] = {
    "naam": ("tekst", "ja", "naam van de ronde, bijv. Provincie Utrecht 2025-I"),
    "periode": (
        "JJJJ-I of JJJJ-II",
        "ja",
        "halfjaar van de ronde: I = januari-juni, II = juli-december",
    ),
    "model": (
        "tekst",
        "nee (standaard)",
        "modelpreset: de naam van een preset of een pad naar een .toml-bestand",
    ),
    "backend": ("highs of cbc", "nee (highs)", "solver"),
    "tijdslimiet_s": ("getal", "nee", "rekentijd in seconden per stap"),
    "gap_relatief": ("getal", "nee", "toegestane relatieve afstand tot het optimum"),
    "threads": ("geheel", "nee (0: automatisch)", "aantal rekenkernen van de solver"),
    "seed": ("geheel", "nee (0)", "seed van de solver (zelfde seed: zelfde uitkomst)"),
}

"""The round archive on the input side: its format and its reader.

A round reads the archive (``ronde.gpkg``) of an earlier round for its previous
outcome (`allocatie.invoer.vorige`) and the next period's carry-over. The writer stays
with the outputs (`allocatie.reports.archief`), which re-exports everything here.
"""

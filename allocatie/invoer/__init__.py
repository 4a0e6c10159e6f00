"""The input step: read a round folder, check every table, and read a previous outcome.

`laden.laad_ronde` reads and validates (`validate`) a round into an `Instance`;
`vorige` reads the archive of a previous round for a re-run.
"""

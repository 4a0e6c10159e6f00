"""Basics every room uses: errors, Dutch wording, version, progress, periods, table names, sweeps.

Nothing here imports another part of allocatie; everything else may import it.
`sweep` is the executor path (local processes or a Dask cluster) for work that
outgrows one process.
"""

"""Where the files shipped with the package are: the model presets and the examples.

In the repository they are the top-level folders ``models/`` and ``data/``. The
build (``setup.py``) copies them into the wheel as ``allocatie/_modellen/`` and
``allocatie/_gegevens/``; an installed package finds them there. An editable
install (``pip install -e .``) and a checkout on ``sys.path`` have no such folders
in the package: there they are the repository's own ``models/`` and ``data/``
next to the package, so nothing is duplicated in git.

The folders are looked up by path rather than imported: setuptools' editable
finder does not serve a data-only (namespace) sub-package of a regular package,
and the readers need real paths anyway (pandas, pyogrio).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["gegevens_map", "modellen_map", "planvoorbeeld_map", "voorbeeld_map"]

#: The package folder (``allocatie/``).
_PAKKET = Path(__file__).resolve().parents[1]


def _map(ingepakt: str, repomap: str) -> Path:
    """The folder in the installed package, else the repository's folder next to it."""
    map_ = _PAKKET / ingepakt
    return map_ if map_.is_dir() else _PAKKET.parent / repomap


def modellen_map() -> Path:
    """The folder of the shipped model presets (``models/`` in the repository).

    >>> (modellen_map() / "standaard.toml").is_file()
    True
    """
    return _map("_modellen", "models")


def gegevens_map() -> Path:
    """The folder of the shipped examples and schema (``data/`` in the repository).

    >>> (gegevens_map() / "SCHEMA.md").is_file()
    True
    """
    return _map("_gegevens", "data")


def voorbeeld_map() -> Path:
    """The shipped example round (``data/voorbeeld``).

    >>> (voorbeeld_map() / "ronde.toml").is_file()
    True
    """
    return gegevens_map() / "voorbeeld"


def planvoorbeeld_map() -> Path:
    """The shipped planning example (``data/plan``).

    >>> (planvoorbeeld_map() / "plan.toml").is_file()
    True
    """
    return gegevens_map() / "plan"

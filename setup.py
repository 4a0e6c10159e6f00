"""Packages of the wheel and their data files, for setuptools (the rest is in pyproject.toml).

The code is every package under ``allocatie/``, with its data files (``PAKKETDATA``).
The shipped presets (``models/``) and examples (``data/``) stay at the top of the
repository and are mapped into the package at build time: ``models/`` becomes
``allocatie/_modellen/`` and ``data/`` becomes ``allocatie/_gegevens/``, with every
file in them (``allocatie.kern.meegeleverd`` finds them there). In an editable install
(``pip install -e .``) the package uses the repository's folders themselves.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup

#: Data files of the code packages (globs relative to the package folder).
PAKKETDATA = {
    "allocatie": [
        "py.typed",
        "reports/*.css",
        "reports/*.js",
        "app/sjablonen/*.html",
        "app/statisch/*",
        "app/migraties/*.mako",
    ]
}

#: Package name -> top-level folder mapped onto it.
MEEGELEVERD = {"allocatie._modellen": "models", "allocatie._gegevens": "data"}


def _mappen(pakket: str, map_: str) -> dict[str, str]:
    """The package and each sub-folder as its own package, with its folder."""
    uit = {pakket: map_}
    for sub in find_namespace_packages(where=map_):
        uit[f"{pakket}.{sub}"] = f"{map_}/{sub.replace('.', '/')}"
    return uit


mappen = {p: m for pakket, map_ in MEEGELEVERD.items() for p, m in _mappen(pakket, map_).items()}

setup(
    packages=[*find_namespace_packages(include=["allocatie", "allocatie.*"]), *mappen],
    package_dir=mappen,
    package_data={
        **PAKKETDATA,
        **{
            pakket: sorted(p.name for p in Path(map_).iterdir() if p.is_file())
            for pakket, map_ in mappen.items()
        },
    },
)

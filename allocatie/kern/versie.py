"""The version of allocatie, for what it writes (reports, archive, manifests).

A leaf, so that the readers and writers deep in the package need not import the
package itself (whose ``__init__`` imports the whole pipeline). The package
hands it on as ``allocatie.__version__``.
"""

__all__ = ["VERSIE"]

#: Keep equal to ``version`` in pyproject.toml.
VERSIE = "0.1.0"

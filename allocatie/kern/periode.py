"""The half-year `Periode` of a round (``2025-I``, ``2025-II``).

A leaf of the package: the readers (`allocatie.io`, the round archive) and the
`allocatie.ronde.instance.Instance` both use it, so it imports nothing of theirs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from allocatie.kern.errors import ConfiguratieFout

__all__ = ["Periode"]

_PERIODE = re.compile(r"^(\d{4})-(I|II)$")


@dataclass(frozen=True)
class Periode:
    """A half-year period of the taakstelling, e.g. ``2025-I`` (January to June).

    Examples
    --------
    >>> Periode.parse("2025-II").eind
    datetime.date(2025, 12, 31)
    """

    label: str
    start: dt.date
    eind: dt.date

    @classmethod
    def parse(cls, label: str) -> Periode:
        """Parse ``JJJJ-I`` or ``JJJJ-II``."""
        m = _PERIODE.match(label.strip())
        if not m:
            raise ConfiguratieFout(
                "ongeldige periode; verwacht JJJJ-I of JJJJ-II (bijv. 2025-I)",
                kolom="ronde.periode",
                waarde=label,
            )
        jaar = int(m.group(1))
        if m.group(2) == "I":
            return cls(label.strip(), dt.date(jaar, 1, 1), dt.date(jaar, 6, 30))
        return cls(label.strip(), dt.date(jaar, 7, 1), dt.date(jaar, 12, 31))

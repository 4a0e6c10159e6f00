"""allocatie: fair, transparent allocation of vergunninghouders over gemeenten and flex housing."""

from __future__ import annotations

__version__ = "0.1.0"

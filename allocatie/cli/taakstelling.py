"""CLI sub-command `allocatie taakstelling`."""

from __future__ import annotations

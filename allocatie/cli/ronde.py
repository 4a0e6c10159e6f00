"""CLI sub-command `allocatie ronde`."""

from __future__ import annotations

"""CLI sub-command `allocatie genereer`."""

from __future__ import annotations

"""Reading and writing files (CSV, geodata, workbooks) for allocatie."""

from __future__ import annotations

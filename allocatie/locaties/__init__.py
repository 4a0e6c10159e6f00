"""Location choice for facilities (LVV, flex sites, reception): p-median, capacitated, coverage."""

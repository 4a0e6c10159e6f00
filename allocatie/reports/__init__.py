"""Reports: pure functions of an instance and its verified result."""

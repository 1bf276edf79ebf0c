"""One reader per register format, each yielding located rows (issue 13, Structure)."""

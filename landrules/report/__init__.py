"""Renderings of verdicts and problems; the only package that prints through rich."""

"""landrules: explained verdicts on the Cixi plot-ratio land-premium waiver.

Kept free of imports so that `landrules --version` and start-up stay instant.
"""

__version__ = "0.1.0"

"""Pydantic models of what landrules reads: parcel records and rule packs."""

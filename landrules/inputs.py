"""What kind of input a path is, told by its suffix. Kept apart so that the CLI can tell one
parcel file from a folder or a register without importing the batch machinery."""

YAML_SUFFIXES = (".yaml", ".yml")
REGISTER_SUFFIXES = (".csv", ".xlsx", ".jsonl", ".ndjson", ".geojson")

"""Register readers, one module per input format, each yielding located rows or Items."""

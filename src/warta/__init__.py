"""Warta: an annotated corpus of Indonesian news and the benchmark scored against its gold."""

__version__ = "0.1.0.dev0"

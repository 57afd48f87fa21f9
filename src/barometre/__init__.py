"""Baromètre numérique: the key figures of the Gendarmerie nationale's digital services."""

__version__ = "0.1.0"

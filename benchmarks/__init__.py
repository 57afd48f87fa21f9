"""The Baromètre's performance benchmark: ``python benchmarks/run.py [--quick]``."""

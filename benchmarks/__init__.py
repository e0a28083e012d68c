"""Benchmarks, each runnable as a module (python -m benchmarks.NAME)."""

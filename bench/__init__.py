"""Benchmarks: `make bench` (or `python -m bench [name ...]`) runs them and records results in docs/BENCHMARKS.md."""

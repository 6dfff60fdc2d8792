"""Benchmarks of the roster engine: Curtois & Qu instances and call-center scale problems."""

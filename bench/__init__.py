"""Benchmarks that print figures (make bench); prices.py is their price table."""

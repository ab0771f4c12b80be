"""Checkov custom checks for this project's own rules (loaded with --external-checks-dir)."""

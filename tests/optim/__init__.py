"""Tests of ft.optim (a package, so its conftest and helpers do not shadow tests/conftest.py)."""

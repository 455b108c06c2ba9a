"""Helpers shared by the test tiers (importable modules; fixtures stay in conftest.py files)."""

"""refpub's version (also in pyproject.toml): printed by `refpub --version`, part of every
output's digest (building/manifest.py)."""

__version__ = "0.1.0"

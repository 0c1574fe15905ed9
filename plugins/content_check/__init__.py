"""Content check: Pelican's own reading, with German errors and findings naming file and line."""

from .plugin import DEFAULTS, register

__all__ = ["DEFAULTS", "register"]

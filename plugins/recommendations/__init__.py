"""Reading recommendations: the author's picks plus the most similar articles ("Leseempfehlungen für Sie")."""

from .plugin import DEFAULTS, Recommendation, register

__all__ = ["DEFAULTS", "Recommendation", "register"]

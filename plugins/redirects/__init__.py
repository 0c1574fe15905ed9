"""Redirect pages at old addresses (e.g. after the move from WordPress)."""

from .redirects import register

__all__ = ["register"]

"""Minify the theme's stylesheets in the built site (rcssmin)."""

from .minify_css import register

__all__ = ["register"]

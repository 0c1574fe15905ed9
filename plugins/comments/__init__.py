"""Moderated comments: comment files in content/comments/, an intake server and a moderation CLI."""

from .plugin import register

__all__ = ["register"]

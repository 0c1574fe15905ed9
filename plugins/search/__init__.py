"""Site search without a server: a Pagefind index written by the Pelican build itself."""

from .search import register

__all__ = ["register"]

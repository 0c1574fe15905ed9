"""Share images: a 1200×630 PNG for every published article and page, written by the build."""

from .share_images import register

__all__ = ["register"]

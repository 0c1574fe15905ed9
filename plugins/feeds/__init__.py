"""Feeds: Atom, RSS and JSON Feed of the site, its categories, tags and comments, written with feedgen."""

from .generator import FeedsGenerator, register
from .options import DEFAULTS, FeedSettingsError

__all__ = ["DEFAULTS", "FeedSettingsError", "FeedsGenerator", "register"]

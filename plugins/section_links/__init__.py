"""Section links: stable German ids and a "#" link on every h2/h3 of articles and pages."""

from .section_links import SectionLinksExtension, register

__all__ = ["SectionLinksExtension", "register"]

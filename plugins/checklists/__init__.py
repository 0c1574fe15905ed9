"""Checklists in Markdown: the `/// checklist | Titel` block, its script, `/checklisten/`."""

from .extension import ChecklistExtension, makeExtension
from .plugin import DEFAULTS, register

__all__ = ["DEFAULTS", "ChecklistExtension", "makeExtension", "register"]

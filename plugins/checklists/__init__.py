"""Checklists in Markdown: the `/// checklist | Titel` block, its script, `/checklisten/`."""

from .extension import ChecklistExtension, makeExtension
from .plugin import DEFAULTS, lint_markdown, register

__all__ = ["DEFAULTS", "ChecklistExtension", "lint_markdown", "makeExtension", "register"]

"""Content lint: checks Markdown sources before Pelican builds them."""

from .lint import DEFAULTS, Finding, lint_content, register

__all__ = ["DEFAULTS", "Finding", "lint_content", "register"]

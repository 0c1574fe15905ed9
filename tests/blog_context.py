"""Run a task on other paths than the project's: an invoke Context with its own `blog.*` configuration."""

from __future__ import annotations

from pathlib import Path

from invoke import Config, Context

from tasks.project import DEFAULTS


def blog_context(**paths: Path | str | int) -> Context:
    """A Context as `invoke` would give the tasks, with these `blog.*` keys (content=, output=, …) overridden."""
    unknown = set(paths) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"no blog setting {', '.join(sorted(unknown))}; known: {', '.join(DEFAULTS)}")
    blog = {**DEFAULTS, **{key: value if isinstance(value, int) else str(value) for key, value in paths.items()}}
    return Context(config=Config(overrides={"blog": blog}))

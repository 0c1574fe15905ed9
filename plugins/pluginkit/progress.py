"""A progress bar for long build steps: on a terminal only, quiet in CI and logs.

    with progress("Vorschaubilder zeichnen", total=len(jobs)) as advance:
        for job in jobs:
            ...
            advance()

rich (pinned through Pelican) draws the bar on stderr and refreshes it from its own thread a few
times a second, so the work never waits for it; the bar disappears when the step is done.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

MINIMUM = 20  # fewer items than this finish before a bar would be worth looking at


def _quiet(amount: int = 1) -> None:
    """advance() when no bar is shown."""


def on_terminal() -> bool:
    """Whether stderr is an interactive terminal (not a pipe, a file or CI's log)."""
    stream = sys.stderr
    return bool(getattr(stream, "isatty", None) and stream.isatty())


@contextmanager
def progress(description: str, total: int, minimum: int = MINIMUM) -> Iterator[Callable[[int], None]]:
    """A function to call per finished item; a bar with counts and the step's name on a terminal."""
    if total < minimum or not on_terminal():
        yield _quiet
        return
    from rich.console import Console  # only on a terminal
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True, refresh_per_second=4) as bar:
        task = bar.add_task(description, total=total)
        yield lambda amount=1: bar.advance(task, amount)

"""One problem in one source file, and where in the file it is."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Severity = Literal["error", "finding"]
HEADER_END = {"", "---", "..."}


@dataclass(frozen=True)
class Problem:
    """An error (the build must stop) or a finding (worth fixing) in a source file."""

    path: str
    line: int | None
    severity: Severity
    text: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.text}"


def shown_path(path: str, settings: dict) -> str:
    """The path as the author sees it in the project: content/articles/x.md."""
    relative = os.path.relpath(path, os.path.dirname(os.path.abspath(settings["PATH"])))
    return path if relative.startswith(os.pardir) else relative


@lru_cache(maxsize=64)
def source_lines(path: str, stamp: float) -> tuple[str, ...]:
    """The lines of a source file (stamp, the mtime, keeps the cache fresh during live reload)."""
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        return tuple(handle.read().splitlines())


def source_lines_of(path: str) -> tuple[str, ...]:
    """The lines of a source file, () when it cannot be read."""
    try:
        return source_lines(path, os.path.getmtime(path))
    except OSError:
        return ()


def header_line(path: str, key: str) -> int | None:
    """The line of a metadata key in the file's header (only used to point at it), or None."""
    pattern = re.compile(rf"[ ]{{0,3}}{re.escape(key)}\s*:", re.IGNORECASE)
    for number, text in enumerate(source_lines_of(path), start=1):
        if text.strip() in HEADER_END:
            if number == 1 and text.strip() == "---":
                continue  # a YAML-style header starts with ---
            return None
        if pattern.match(text):
            return number
    return None


def key_as_written(path: str, key: str) -> str:
    """The key as the author spelled it ("Stauts"), or the lower-case key if it cannot be found."""
    line = header_line(path, key)
    if line is None:
        return key
    return source_lines_of(path)[line - 1].split(":", 1)[0].strip()


def first_line_with(path: str, needle: str, in_body: bool = False) -> int | None:
    """The first line that contains needle (below the metadata header if in_body), or None."""
    lines = source_lines_of(path)
    start = 0
    if in_body:
        start = next((i for i, text in enumerate(lines) if i and text.strip() in HEADER_END), len(lines))
    for number, text in enumerate(lines[start:], start=start + 1):
        if needle in text:
            return number
    return None

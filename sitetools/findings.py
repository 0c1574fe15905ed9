"""`invoke check`: run the real Pelican build into a temp dir and collect what every plugin logs."""

from __future__ import annotations

import io
import logging
import re
import tempfile
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# "<plugin>: <file>:<line>: <text>" as the plugins log it; Pelican's own messages have neither.
MESSAGE_RE = re.compile(r"(?:[a-z][a-z0-9_]*: )?(?P<where>[^\s:]+\.[A-Za-z0-9]+(?::\d+)?): (?P<text>.*)", re.S)


@dataclass(frozen=True, order=True)
class Finding:
    """One logged error or warning, with file and line where the message names them."""

    where: str
    severity: Literal["error", "finding"]
    text: str
    source: str = ""  # the logger, e.g. content_check.plugin

    def __str__(self) -> str:
        label = "Fehler" if self.severity == "error" else "Hinweis"
        return f"{self.where}: {label}: {self.text}" if self.where else f"{label}: {self.text}"


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.findings: list[Finding] = []

    def emit(self, record: logging.LogRecord) -> None:
        severity = "error" if record.levelno >= logging.ERROR else "finding"
        message = record.getMessage().strip()
        # "plugin: 2 Fehler:\n<file>:<line>: …\n…" lists one problem per line: list each on its own
        _, *rest = message.splitlines()
        listed = [match for line in rest if (match := MESSAGE_RE.fullmatch(line.strip()))]
        if not listed or len(listed) < len(rest):
            match = MESSAGE_RE.fullmatch(message)
            listed = [match] if match else []
            if not match:
                self.findings.append(Finding("", severity, message, record.name))
        for match in listed:
            self.findings.append(Finding(match["where"], severity, match["text"], record.name))


def _sort_key(finding: Finding) -> tuple:
    path, _, line = finding.where.partition(":")
    return (path, int(line) if line.isdigit() else 0, finding.severity, finding.text)


def collect_findings(content: Path, settings_file: Path, overrides: dict | None = None) -> list[Finding]:
    """Build content with settings_file (and overrides) into a temp dir; every error and warning, sorted."""
    from pelican import Pelican
    from pelican.settings import read_settings

    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        with tempfile.TemporaryDirectory(prefix="kmu-check-") as output:
            settings = read_settings(
                str(settings_file), override={**(overrides or {}), "PATH": str(content), "OUTPUT_PATH": output}
            )
            with redirect_stdout(io.StringIO()):  # Pelican's English "Done: …" line
                Pelican(settings).run()
    except Exception as exc:  # a template or plugin crash is one more error to list, not a traceback
        collector.findings.append(Finding("", "error", f"Pelican ist abgebrochen: {exc}"))
    finally:
        root.removeHandler(collector)
    return sorted(set(collector.findings), key=_sort_key)


def count_line(findings: list[Finding]) -> str:
    """German tally like "1 Fehler, 2 Hinweise"."""
    errors = sum(1 for f in findings if f.severity == "error")
    hints = len(findings) - errors
    return f"{errors} Fehler, {hints} {'Hinweis' if hints == 1 else 'Hinweise'}"

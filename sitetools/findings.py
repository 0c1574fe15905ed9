"""What a build reports: every error and warning Pelican and the plugins log, as German findings.

`invoke check` builds in this process (`collect_findings`); `invoke build` and the live-reload
preview build in a child process (`sitetools.pelican_run`) with the same collector. Both run the
build's link check on the output and name the Markdown file behind each page (`SourceMap`).
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterable
from contextlib import redirect_stdout
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Literal

# "<plugin>: <file>:<line>: <text>" as the plugins log it; Pelican's own messages have neither.
MESSAGE_RE = re.compile(r"(?:[a-z][a-z0-9_]*: )?(?P<where>[^\s:]+\.[A-Za-z0-9]+(?::\d+)?): (?P<text>.*)", re.S)
# Pelican's follow-up of a reader that stopped on an error already logged ("Could not process x.md").
NOT_PROCESSED = "Could not process %s"
QUOTED_RE = re.compile(r"„([^“]*)“")
LINK_CHECK = "linkcheck"  # Finding.source of the link check's errors
FATAL_MESSAGE = "Warning or error encountered"  # what Pelican's FatalLogger raises with --fatal
# Pelican's lists of what it read, per generator (articles and pages, published or not).
CONTENT_LISTS = (
    "articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations",
    "pages", "hidden_pages", "hidden_translations", "draft_pages", "draft_translations",
)  # fmt: skip


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

    @property
    def path(self) -> str:
        """The file named in where, without the line."""
        return self.where.rsplit(":", 1)[0] if self.where[-1:].isdigit() and ":" in self.where else self.where

    @property
    def line(self) -> int | None:
        """The line named in where, or None."""
        _, _, line = self.where.rpartition(":")
        return int(line) if line.isdigit() else None


def shown_path(path: str | os.PathLike, content: Path) -> str:
    """A source path as the author sees it in the project: content/articles/x.md."""
    relative = os.path.relpath(os.path.abspath(path), content.resolve().parent)
    return str(path) if relative.startswith(os.pardir) else relative


class Collector(logging.Handler):
    """Turns every warning and error logged during a build into Findings (optionally printed at once)."""

    def __init__(self, content: Path, stream=None) -> None:
        super().__init__(level=logging.WARNING)
        self.content = content
        self.stream = stream
        self.findings: list[Finding] = []

    def emit(self, record: logging.LogRecord) -> None:
        for finding in self._findings(record):
            self.findings.append(finding)
            if self.stream:
                print(finding, file=self.stream, flush=True)

    def _findings(self, record: logging.LogRecord) -> list[Finding]:
        severity = "error" if record.levelno >= logging.ERROR else "finding"
        error = record.exc_info[1] if record.exc_info else sys.exc_info()[1]
        if record.msg == NOT_PROCESSED:
            if _reported_before(error):
                return []  # the reader's own German message came first
            where = shown_path(self.content / str(record.args[0]), self.content) if record.args else ""
            return [Finding(where, "error", f"Die Datei lässt sich nicht lesen: {error}", record.name)]
        if record.levelno >= logging.CRITICAL and record.name == "pelican":
            if _reported_before(error) or any(f.severity == "error" for f in self.findings):
                return []  # "stopped because of the error above": the error above says it all
            return [Finding("", "error", f"Pelican ist abgebrochen: {error or record.getMessage()}", record.name)]
        message = record.getMessage().strip()
        # "plugin: 2 Fehler:\n<file>:<line>: …\n…" lists one problem per line: list each on its own
        _, *rest = message.splitlines()
        listed = [match for line in rest if (match := MESSAGE_RE.fullmatch(line.strip()))]
        if not listed or len(listed) < len(rest):
            match = MESSAGE_RE.fullmatch(message)
            listed = [match] if match else []
            if not match:
                return [Finding("", severity, message, record.name)]
        return [Finding(match["where"], severity, match["text"], record.name) for match in listed]


def _reported_before(error: BaseException | None) -> bool:
    """Whether an exception only says that an error was logged before (Pelican's --fatal, the content check)."""
    if error is None:
        return False
    return (isinstance(error, RuntimeError) and error.args == (FATAL_MESSAGE,)) or type(error).__name__ == (
        "ContentCheckFailed"
    )


class SourceMap:
    """Which Markdown file each output page comes from, recorded from Pelican's own lists while it builds."""

    def __init__(self, content: Path) -> None:
        self.content = content
        self.pages: dict[str, str] = {}

    def record(self, generators: Iterable) -> None:
        """all_generators_finalized: remember save_as -> source file of every article and page."""
        for generator in generators:
            for name in CONTENT_LISTS:
                for obj in getattr(generator, name, []):
                    if obj.save_as and obj.source_path:
                        self.pages.setdefault(obj.save_as, shown_path(obj.source_path, self.content))

    def connect(self) -> None:
        """Start recording (signals are global: disconnect when the build is done)."""
        from pelican import signals

        signals.all_generators_finalized.connect(self.record)

    def disconnect(self) -> None:
        """Stop recording."""
        from pelican import signals

        signals.all_generators_finalized.disconnect(self.record)


def link_findings(output: Path, settings: dict, sources: SourceMap, ignore: Iterable[str] = ()) -> list[Finding]:
    """The build's link check on output, each broken link as an error in the Markdown file behind its page.

    ignore: URL paths a program answers (besides LINK_CHECK_IGNORE), e.g. the comment intake.
    """
    from sitetools.linkcheck import check_site, locate

    ignored = [*ignore, *settings.get("LINK_CHECK_IGNORE", ())]
    broken = check_site(output, settings.get("ABSOLUTE_SITEURL", ""), ignored)
    return locate(broken, sources.pages, sources.content)


def _sort_key(finding: Finding) -> tuple:
    return (finding.path, finding.line or 0, finding.severity, finding.text)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings without repeats, by file and line.

    The link check repeats nothing: where another check named the same link on the same line, its
    error stands alone, and a finding it confirms with the same words (an image without {static})
    becomes that error.
    """
    unique = set(findings)
    links = {(f.where, f.text) for f in unique if f.source == LINK_CHECK}
    said = {(f.where, _quoted(f.text)) for f in unique if f.severity == "error" and f.source != LINK_CHECK}
    confirmed = {(f.where, f.text) for f in unique if f.source != LINK_CHECK and (f.where, f.text) in links}
    kept = []
    for finding in unique:
        if finding.source == LINK_CHECK:
            if (finding.where, finding.text) in confirmed or (finding.where, _quoted(finding.text)) in said:
                continue
        elif (finding.where, finding.text) in confirmed:
            finding = replace(finding, severity="error")
        kept.append(finding)
    return sorted(set(kept), key=_sort_key)


def _quoted(text: str) -> str:
    """The first „…“ of a message (the link or file it is about)."""
    match = QUOTED_RE.search(text)
    return match[1] if match else text


def collect_findings(
    content: Path, settings_file: Path, overrides: dict | None = None, link_ignore: Iterable[str] = ()
) -> list[Finding]:
    """Build content with settings_file (and overrides) into a temp dir as `invoke build` does, then run its
    link check (link_ignore: see link_findings); every error and warning, sorted by file and line."""
    from pelican import Pelican
    from pelican.settings import read_settings

    collector = Collector(content)
    sources = SourceMap(content)
    root = logging.getLogger()
    root.addHandler(collector)
    sources.connect()
    try:
        with tempfile.TemporaryDirectory(prefix="kmu-check-") as output:
            settings = read_settings(
                str(settings_file), override={**(overrides or {}), "PATH": str(content), "OUTPUT_PATH": output}
            )
            with redirect_stdout(io.StringIO()):  # Pelican's English "Done: …" line
                Pelican(settings).run()
            collector.findings += link_findings(Path(output), settings, sources, link_ignore)
    except Exception as exc:  # a template or plugin crash is one more error to list, not a traceback
        collector.findings.append(Finding("", "error", f"Pelican ist abgebrochen: {exc}"))
    finally:
        sources.disconnect()
        root.removeHandler(collector)
    return sorted_findings(collector.findings)


def plural(count: int, one: str, many: str) -> str:
    """The number with the right form of the word: "1 Fehler", "2 Hinweise"."""
    return f"{count} {one if count == 1 else many}"


def count_line(findings: list[Finding]) -> str:
    """German tally like "1 Fehler, 2 Hinweise"."""
    errors = sum(1 for f in findings if f.severity == "error")
    return f"{plural(errors, 'Fehler', 'Fehler')}, {plural(len(findings) - errors, 'Hinweis', 'Hinweise')}"


@dataclass
class BuildReport:
    """What a child build (sitetools.pelican_run) hands back: findings, summary line, output page -> source."""

    findings: list[Finding] = field(default_factory=list)
    summary: str = ""
    pages: dict[str, str] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        """Write the report as JSON."""
        data = {"findings": [asdict(f) for f in self.findings], "summary": self.summary, "pages": self.pages}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> BuildReport:
        """The report saved at path; an empty one when the child saved none (it crashed before)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        findings = [Finding(**item) for item in data.get("findings", [])]
        return cls(findings, str(data.get("summary", "")), dict(data.get("pages", {})))

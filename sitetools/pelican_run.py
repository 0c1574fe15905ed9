"""Pelican as every build of the project runs it: `python -m sitetools.pelican_run REPORT [OPTIONS] ARGS…`.

ARGS are Pelican's own command-line arguments; OPTIONS are --check-links and, for it, one
--link-ignore PATH for each URL path a program answers (the comment intake).

Differences from plain `pelican`: every error and warning is printed as one German line
`file:line: Fehler: …` (no English follow-ups such as "Could not process", no log table with
source lines of Pelican), the summary is German ("15 Artikel, 1 Entwurf, 4 Seiten in 1,2 s"),
--check-links runs the link check on the output and names the Markdown file of every broken link,
and REPORT receives all findings as JSON for the caller (the preview shows them in the page). The
exit code is non-zero when the build must be rejected.

`python -m sitetools.pelican_run --standby` is the same for the live-reload preview, a build
ahead: it imports Pelican and the libraries of the plugins at once, then waits for its arguments
(one JSON line on stdin). Before it builds, it forgets every module of the project (plugins,
theme), so the build reads the code as it is on disk then; only the libraries stay loaded.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import signal
import sys
import time
from pathlib import Path

from sitetools.findings import BuildReport, Collector, SourceMap, link_findings, plural, sorted_findings


class _Run:
    """What one build saw: its settings and its generators (for the summary)."""

    def __init__(self) -> None:
        self.settings: dict = {}
        self.generators: list = []

    def initialized(self, pelican) -> None:
        self.settings = pelican.settings

    def finalized(self, generators) -> None:
        self.generators = list(generators)


def summary(generators: list, seconds: float) -> str:
    """The German summary of one build: "15 Artikel, 1 Entwurf, 4 Seiten in 1,2 s"."""
    counts = {"articles": 0, "drafts": 0, "pages": 0, "hidden": 0}
    for generator in generators:
        counts["articles"] += len(getattr(generator, "articles", [])) + len(getattr(generator, "translations", []))
        counts["drafts"] += len(getattr(generator, "drafts", [])) + len(getattr(generator, "draft_pages", []))
        counts["pages"] += len(getattr(generator, "pages", []))
        counts["hidden"] += len(getattr(generator, "hidden_articles", [])) + len(getattr(generator, "hidden_pages", []))
    parts = [
        plural(counts["articles"], "Artikel", "Artikel"),
        plural(counts["drafts"], "Entwurf", "Entwürfe"),
        plural(counts["pages"], "Seite", "Seiten"),
    ]
    if counts["hidden"]:
        parts.append(plural(counts["hidden"], "versteckter Beitrag", "versteckte Beiträge"))
    return f"{', '.join(parts)} in {seconds:.1f} s".replace(".", ",")


PROJECT = Path(__file__).resolve().parent.parent


def standby() -> list[str] | None:
    """Import Pelican and the plugins' libraries ahead, then wait for the arguments of the build (None: none came)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the preview's terminal: end quietly, on EOF
    import pelican  # noqa: F401  (the point is to have it loaded)

    plugins = PROJECT / "plugins"
    sys.path.insert(0, str(plugins))
    for package in sorted(path.parent.name for path in plugins.glob("*/__init__.py")):
        with contextlib.suppress(Exception):  # the build itself reports a plugin that cannot be imported
            importlib.import_module(package)
    sys.path.remove(str(plugins))
    line = sys.stdin.readline()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for name, module in list(sys.modules.items()):
        where = getattr(module, "__file__", None) or ""
        if where.startswith((str(plugins), str(PROJECT / "theme"))):
            del sys.modules[name]  # read again from disk: the author may have changed it meanwhile
    return json.loads(line) if line.strip() else None


def main(argv: list[str]) -> int:
    """Run Pelican with argv, print German lines, write the report; the exit code."""
    import pelican
    from pelican import signals

    report, *arguments = argv
    check_links, ignore = False, []
    while arguments and arguments[0] in ("--check-links", "--link-ignore"):
        option = arguments.pop(0)
        if option == "--check-links":
            check_links = True
        else:
            ignore.append(arguments.pop(0))
    content = Path(arguments[0])
    collector = Collector(content, stream=sys.stderr)
    sources, run = SourceMap(content), _Run()
    logging.getLogger().addHandler(collector)  # before Pelican's own: its log table is never set up
    pelican.console.quiet = True  # Pelican's English "Done: Processed …" line and its spinner
    signals.initialized.connect(run.initialized)
    signals.all_generators_finalized.connect(run.finalized)
    sources.connect()
    started = time.perf_counter()
    code = 0
    try:
        pelican.main(arguments)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    output = run.settings.get("OUTPUT_PATH")
    if code == 0 and check_links and output:
        for finding in link_findings(Path(output), run.settings, sources, ignore):
            collector.findings.append(finding)
            print(finding, file=sys.stderr, flush=True)
            code = 1
    line = summary(run.generators, time.perf_counter() - started) if code == 0 else ""
    BuildReport(sorted_findings(collector.findings), line, sources.pages).save(Path(report))
    if line:
        print(line, flush=True)
    return code


if __name__ == "__main__":
    arguments = standby() if sys.argv[1:] == ["--standby"] else sys.argv[1:]
    sys.exit(main(arguments) if arguments else 0)

"""`invoke qa.audit --lighthouse`: Lighthouse as pinned in tools/lighthouse/, run against Debian's chromium.

Lighthouse has its own package.json and lockfile, so the main lockfile (what `make test` installs)
stays small; it is installed with `npm ci` on first use and again when its lockfile changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

from sitetools.qa.browser import CHROMIUM, CHROMIUM_ARGS

TOOL_DIR = Path(__file__).resolve().parents[2] / "tools" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class LighthouseError(RuntimeError):
    """Lighthouse could not be installed or run; the message is German, for the author."""


def ensure_installed(tool_dir: Path = TOOL_DIR) -> Path:
    """Install the pinned Lighthouse with `npm ci` unless that lockfile is installed; its executable."""
    lock = tool_dir / "package-lock.json"
    stamp = tool_dir / "node_modules" / f".installed-{hashlib.sha256(lock.read_bytes()).hexdigest()[:12]}"
    if not stamp.is_file():
        print("Lighthouse wird aus tools/lighthouse/package-lock.json installiert (einmalig, rund 190 MB) …")
        command = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
        try:
            subprocess.run(command, cwd=tool_dir, check=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise LighthouseError(f"Lighthouse ließ sich nicht installieren ({exc}); ist npm installiert?") from exc
        stamp.touch()
    return tool_dir / "node_modules" / ".bin" / "lighthouse"


def run_lighthouse(url: str, report: Path) -> dict[str, int]:
    """Lighthouse's four scores (0-100) for url; the full JSON report is written to report."""
    command = [
        str(ensure_installed()),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags=--headless=new {' '.join(CHROMIUM_ARGS)}",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    try:
        subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    except subprocess.CalledProcessError as exc:
        raise LighthouseError(f"Lighthouse ist mit Code {exc.returncode} abgebrochen (siehe oben).") from exc
    categories = json.loads(report.read_text(encoding="utf-8"))["categories"]
    return {key: round(category["score"] * 100) for key, category in categories.items()}

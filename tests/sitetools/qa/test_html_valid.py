"""The Nu HTML Checker (vnu.jar from the npm package vnu-jar) finds no error in the built site's HTML, CSS and SVG."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from helpers import ROOT

VNU_JAR = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"


def run_vnu(*paths) -> list[dict]:
    """Run vnu over files or directories; return its error messages."""
    if not VNU_JAR.is_file():
        pytest.fail(f"{VNU_JAR} is missing: run `make test`, which runs `npm ci` for the checks")
    java = shutil.which("java")
    if not java:
        pytest.fail("java is missing: run `make test`, which installs a Java runtime with apt-get")
    command = [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--also-check-css", "--also-check-svg"]
    result = subprocess.run([*command, *map(str, paths)], capture_output=True, text=True, check=False)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [m for m in messages if m.get("type") in {"error", "non-document-error"}]


def test_every_page_stylesheet_and_svg_is_valid(starter_site):
    files = [p for p in starter_site.files() if p.suffix in {".html", ".css", ".svg"}]
    errors = run_vnu(*files)
    pages = len(starter_site.files("**/*.html"))
    report = [f"{m.get('url', '').rsplit('/output/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in errors]
    assert pages > 20
    assert report == []


def test_the_checker_does_report_invalid_html(tmp_path):
    page = tmp_path / "kaputt.html"
    page.write_text("<!DOCTYPE html><html lang=de><title>x</title><p><div></span>", encoding="utf-8")
    (tmp_path / "kaputt.css").write_text("p { colr: red; }", encoding="utf-8")
    (tmp_path / "kaputt.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><foo/></svg>', encoding="utf-8")
    flagged = {m["url"].rsplit("/", 1)[-1] for m in run_vnu(*tmp_path.iterdir())}
    assert flagged == {"kaputt.html", "kaputt.css", "kaputt.svg"}

"""The Nu HTML Checker (vnu.jar from the npm package vnu-jar) finds no error in the built site."""

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
    command = [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--also-check-css", "--skip-non-html"]
    result = subprocess.run([*command, *map(str, paths)], capture_output=True, text=True, check=False)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [m for m in messages if m.get("type") in {"error", "non-document-error"}]


def test_every_page_and_stylesheet_is_valid(starter_site):
    errors = run_vnu(starter_site.output)
    pages = len(starter_site.files("**/*.html"))
    report = [f"{m.get('url', '').rsplit('/output/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in errors]
    assert pages > 20
    assert report == []


def test_the_checker_does_report_invalid_html(tmp_path):
    page = tmp_path / "kaputt.html"
    page.write_text("<!DOCTYPE html><html lang=de><title>x</title><p><div></span>", encoding="utf-8")
    assert run_vnu(page)

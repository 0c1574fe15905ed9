"""The site's own charts (content/images/*.svg): legible on a phone and aware of dark mode."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import ROOT

from sitetools.qa.site_pages import PHONE

SVG_NS = "{http://www.w3.org/2000/svg}"
CHARTS = sorted((ROOT / "content" / "images").glob("*.svg"))
# The text column on a phone: the viewport less the page margins (.wrap: 100% - 2.5rem).
PHONE_TEXT_WIDTH = PHONE["width"] - 40
MIN_TEXT_PX = 11
DARK_STYLE_RE = re.compile(r"@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)")


def chart_problems(path: Path) -> list[str]:
    """What keeps a chart from being read on a phone or in dark mode (empty when it is fine)."""
    root = ET.parse(path).getroot()
    problems = []
    width = float(root.get("viewBox", "0 0 0 0").split()[2])
    scale = min(PHONE_TEXT_WIDTH, width) / width
    sizes = [float(el.get("font-size")) for el in root.iter() if el.get("font-size")]
    if sizes and min(sizes) * scale < MIN_TEXT_PX:
        problems.append(f"smallest text is {min(sizes) * scale:.1f} px on a phone (needs {MIN_TEXT_PX} px)")
    styles = "".join("".join(style.itertext()) for style in root.iter(f"{SVG_NS}style"))
    if not DARK_STYLE_RE.search(styles):
        problems.append("no @media (prefers-color-scheme: dark) style")
    if root.find(f"{SVG_NS}title") is None or root.get("role") != "img":
        problems.append('no <title> and role="img"')
    return problems


def test_there_are_charts_to_check():
    assert len(CHARTS) >= 10


@pytest.mark.parametrize("chart", CHARTS, ids=lambda p: p.name)
def test_chart_is_legible_on_a_phone_and_dark_mode_aware(chart):
    assert chart_problems(chart) == []


def test_chart_check_reports_tiny_text_and_no_dark_mode(tmp_path):
    bad = tmp_path / "klein.svg"
    bad.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 450" role="img">'
        '<title>t</title><text font-size="15">klein</text></svg>',
        encoding="utf-8",
    )
    problems = chart_problems(bad)
    assert problems[0].startswith("smallest text is 6.6 px")
    assert "no @media (prefers-color-scheme: dark) style" in problems

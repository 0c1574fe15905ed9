"""What single plugins add to the full build, for `invoke bench` (through core.plugin_cost)."""

from __future__ import annotations

from sitetools.bench.core import Bench, Figure, plugin_cost


def measure_feeds(bench: Bench) -> list[Figure]:
    """Feeds: what the feeds plugin adds to the full build (goal: ≤ 5 % of the build)."""
    return plugin_cost(bench, "feeds", "Feeds")


def measure_content_check(bench: Bench) -> list[Figure]:
    """Content check: what the check adds to the full build (goal: ≤ 5 % of the build)."""
    return plugin_cost(bench, "content_check", "Inhaltsprüfung")

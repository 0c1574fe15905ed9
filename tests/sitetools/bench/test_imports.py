"""Every benchmark module imports on its own, in a fresh interpreter: no circle, and core imports none of them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

BENCH = ROOT / "sitetools" / "bench"
MODULES = sorted(f"sitetools.bench.{path.stem}" for path in BENCH.glob("*.py") if path.stem != "__init__")


@pytest.mark.parametrize("module", MODULES)
def test_each_benchmark_module_imports_alone(module):
    paths = [str(ROOT), str(ROOT / "plugins")]
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path[:0] = {paths!r}; import {module}"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def imported(path: Path) -> set[str]:
    """The sitetools.bench modules a file imports, anywhere in it, and the private names it imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sitetools.bench."):
            names.add(node.module)
            names.update(f"private:{alias.name}" for alias in node.names if alias.name.startswith("_"))
    return names


def test_core_imports_no_measurement_and_measurements_import_only_core():
    assert imported(BENCH / "core.py") == set()
    for path in BENCH.glob("*.py"):
        if path.stem not in ("core", "run", "__init__"):
            assert imported(path) <= {"sitetools.bench.core", f"sitetools.bench.{path.stem}"}, path.name
    expected = ["comments", "core", "plugins", "preview", "recommendations", "run", "search_share"]
    assert [f"sitetools.bench.{name}" for name in expected] == MODULES

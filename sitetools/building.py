"""Build into a temporary directory and swap it into place, so a failed build changes nothing."""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

AT_FDCWD = -100
RENAME_EXCHANGE = 2


class BuildError(RuntimeError):
    """Pelican exited with an error; the message says what to do."""


def _exchange(first: Path, second: Path) -> bool:
    """Atomically exchange two paths with Linux renameat2(); False where it is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EXDEV, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def atomic_swap(new_dir: Path, target: Path) -> None:
    """Put new_dir where target is (same file system) and remove the old target.

    On Linux the two directories are exchanged in one step, so a web server never sees a
    missing or half-written directory; elsewhere two renames leave only a short gap.
    """
    target = Path(target)
    if target.is_symlink():
        link = target.with_name(f".{target.name}.link-new")
        link.unlink(missing_ok=True)
        link.symlink_to(new_dir.resolve())
        old = target.resolve()
        os.replace(link, target)
        shutil.rmtree(old, ignore_errors=True)
        return
    if not target.exists():
        os.rename(new_dir, target)
        return
    if _exchange(new_dir, target):
        shutil.rmtree(new_dir)
        return
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(target, old)
    os.rename(new_dir, target)
    shutil.rmtree(old)


def run_pelican(content: Path, settings_file: Path, output: Path, *extra: str) -> None:
    """Run Pelican in a child process with errors fatal; raise BuildError if it fails."""
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "-s",
        str(settings_file),
        "-o",
        str(output),
        "--fatal",
        "errors",
        *extra,
    ]
    env = dict(os.environ)
    if not sys.stdout.isatty():
        env.setdefault("COLUMNS", "200")  # rich would cut file paths in messages at 80 columns
    result = subprocess.run(command, check=False, env=env)
    if result.returncode != 0:
        raise BuildError(f"Pelican exited with {result.returncode}; see the messages above.")


def build_atomically(
    content: Path, settings_file: Path, target: Path, *extra: str, verify: Callable[[Path], None] | None = None
) -> None:
    """Build into a sibling temporary directory, then swap it into target; on failure keep target.

    verify(staging) may raise BuildError to reject a build that Pelican finished.
    """
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".build-{target.name}-", dir=target.parent))
    try:
        run_pelican(content, settings_file, staging, *extra)
        if verify:
            verify(staging)
        staging.chmod(0o755)
        atomic_swap(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)

"""Writing an import all or nothing: stage every file, check every path, then rename with a rollback.

Every target must resolve inside one of the allowed folders (content/, deploy/); staged files get the
mode an editor would give them (the umask's), replaced files keep theirs. If a rename fails half way,
every file already moved is put back and every new one removed, so the tree is as before.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path


class UnsafePath(ValueError):
    """A planned file would land outside the folders the import may write."""


def inside(path: Path, roots: list[Path]) -> bool:
    """Whether path, with every symlink on the way resolved, lies inside one of roots."""
    resolved = path.resolve()
    return any(resolved.is_relative_to(root.resolve()) for root in roots)


def check_targets(targets: list[Path], roots: list[Path]) -> None:
    """Refuse any target outside roots, or one that is a symlink or not a regular file."""
    for target in targets:
        if target.is_symlink() or not inside(target, roots) or (target.exists() and not target.is_file()):
            raise UnsafePath(str(target))


@dataclass
class _Staged:
    temporary: Path
    target: Path
    backup: Path | None = None
    moved: bool = False


def _create(path: Path, data: bytes, mode: int = 0o666) -> None:
    """A new file with data; O_EXCL never follows or replaces anything, the umask applies to mode."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)


def _temporary_name(target: Path, kind: str) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.{kind}")


def write_all(files: dict[Path, bytes], roots: list[Path]) -> int:
    """Write every file or none; the number written. Raises OSError after rolling back."""
    check_targets(list(files), roots)
    created_dirs: list[Path] = []
    staged: list[_Staged] = []
    try:
        for target, data in files.items():
            missing = [p for p in [target.parent, *target.parent.parents] if not p.exists()]
            for folder in reversed(missing):
                folder.mkdir()
                created_dirs.append(folder)
            check_targets([target], roots)  # again, now that its folders exist
            temporary = _temporary_name(target, "tmp")
            _create(temporary, data)
            staged.append(_Staged(temporary, target))
            if target.exists():
                os.chmod(temporary, target.stat().st_mode & 0o7777)
        for entry in staged:
            if entry.target.exists():
                entry.backup = _temporary_name(entry.target, "bak")
                os.link(entry.target, entry.backup)
            os.replace(entry.temporary, entry.target)
            entry.moved = True
    except OSError:
        _roll_back(staged, created_dirs)
        raise
    for entry in staged:
        if entry.backup:
            entry.backup.unlink(missing_ok=True)
    return len(staged)


def _roll_back(staged: list[_Staged], created_dirs: list[Path]) -> None:
    """Put back what was replaced, remove what was new, then the folders made for it."""
    for entry in reversed(staged):
        if entry.moved:
            if entry.backup:
                os.replace(entry.backup, entry.target)
            else:
                entry.target.unlink(missing_ok=True)
        else:
            entry.temporary.unlink(missing_ok=True)
            if entry.backup:
                entry.backup.unlink(missing_ok=True)
    for folder in reversed(created_dirs):
        with contextlib.suppress(OSError):  # not empty: something else put a file there
            folder.rmdir()

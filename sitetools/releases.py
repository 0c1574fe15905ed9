"""Releases beside a served directory: atomic switch, rollback, and a guard that never deletes what is not ours.

For a target such as ``/srv/www/blog`` the layout is::

    /srv/www/blog -> blog.releases/20261126-140312-123456/site   (relative symlink, flipped atomically)
    /srv/www/blog.releases/<stamp>/.sitetools-release            (marker: we created this directory)
    /srv/www/blog.releases/<stamp>/site/                         (the built site)

A release is complete before the symlink is replaced with ``os.replace()`` (one atomic rename on
POSIX systems), so a web server sees the old or the new site, never a gap or a mix. Only
directories that carry the marker are ever deleted. Messages of ``TargetRefused`` are German:
they go to the author.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

MARKER = ".sitetools-release"
RELEASES_SUFFIX = ".releases"
SITE = "site"
STAGING_PREFIX = ".neu-"
LINK_PREFIX = ".{name}.link-"  # a symlink prepared beside the target, renamed over it
STAMP = re.compile(r"\d{8}-\d{6}-\d{6}")
STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
STALE_STAGING_SECONDS = 3600
# A directory holding one of these is a project or its sources, never a build.
SOURCE_NAMES = ("content", "pelicanconf.py", "publishconf.py", "tasks", ".git")


class TargetRefused(ValueError):
    """The target may not be published into or rolled back; the message says why, in German."""


def releases_dir(target: Path) -> Path:
    """The folder beside target that holds its releases: ``<name>.releases``."""
    return target.parent / f"{target.name}{RELEASES_SUFFIX}"


def _place(target: Path) -> Path:
    """Where target really is: the link itself for a symlink, the resolved directory otherwise."""
    target = Path(os.path.abspath(target))
    return target.parent.resolve() / target.name if target.is_symlink() else target.resolve()


def _home_dirs() -> set[Path]:
    """Home directories of the current and (where the OS lists them) all users."""
    homes = {Path.home()}
    try:
        import pwd
    except ImportError:  # Windows
        return {h.resolve() for h in homes}
    homes.update(Path(entry.pw_dir) for entry in pwd.getpwall() if entry.pw_dir not in ("", "/"))
    return {h.resolve() for h in homes}


def check_target(target: Path, project: Path | None = None, content: Path | None = None, adopt: bool = False) -> None:
    """Raise TargetRefused unless target is a place where a release may be switched in.

    Refused: ``/`` and the folders right below it, a release of any target or anything inside a
    ``*.releases`` folder, a home directory or a folder holding one, a folder holding the project or
    its content, a folder inside the content, a folder with sources, a file, and a non-empty
    directory without the marker (unless adopt, for a folder the project owns such as output/).
    """
    place = _place(target)
    sources = [Path(p).resolve() for p in (project, content) if p]
    why = _refusal(place, sources, content.resolve() if content else None, adopt)
    if why:
        raise TargetRefused(f"„{target}“ ist kein sicheres Ziel: {why} Nichts wurde verändert.")
    releases = releases_dir(place)
    if releases.is_symlink() or (releases.exists() and not releases.is_dir()):
        raise TargetRefused(
            f"„{releases}“ ist kein Ordner, den invoke angelegt hat; benennen Sie ihn um. Nichts wurde verändert."
        )


def _refusal(place: Path, sources: list[Path], content: Path | None, adopt: bool) -> str | None:
    """The German reason why place is refused, or None."""
    if place == Path(place.anchor):
        return "Das ist das Wurzelverzeichnis des Systems."
    if place.parent == Path(place.anchor):
        if place in _home_dirs():  # /root, or a home directory right below /
            return f"Das ist ein Home-Verzeichnis ({place}): Ihre eigenen Dateien, kein Ziel für die Website."
        return "Das ist ein Systemordner direkt unter dem Wurzelverzeichnis."
    releases = next((p for p in (place, *place.parents) if p.name.endswith(RELEASES_SUFFIX)), None)
    if releases or _is_release(place):
        where = f"ist oder liegt in {releases}, der Ablage der Stände" if releases else "ist ein Stand"
        return f"Der Ordner {where} einer Veröffentlichung; veröffentlichen Sie in deren Ziel, nie in einen Stand."
    for home in _home_dirs():
        if home.is_relative_to(place):
            return f"Das ist ein Home-Verzeichnis oder enthält eines ({home})."
    for path in sources:
        if path.is_relative_to(place):
            return f"Der Ordner enthält {path}, also Quellen dieses Projekts."
    if content and place.is_relative_to(content):
        return f"Der Ordner liegt in {content}; Pelican würde die Ausgabe als Inhalt lesen."
    if place.is_symlink():
        return None  # only the link is replaced; what it points to is never touched
    if place.exists() and not place.is_dir():
        return "Das ist eine Datei, kein Ordner."
    if not place.is_dir():
        return None
    found = [name for name in SOURCE_NAMES if (place / name).exists()]
    if found:
        return f"Der Ordner enthält Quellen ({', '.join(found)})."
    if adopt or (place / MARKER).is_file() or not any(place.iterdir()):
        return None
    return (
        f"Der Ordner ist nicht leer und enthält keine Datei {MARKER}, stammt also nicht von invoke. "
        f"Wählen Sie einen leeren oder neuen Ordner. Ist er wirklich eine frühere Veröffentlichung "
        f"dieses Blogs, legen Sie darin die leere Datei {MARKER} an: Er wird dann als bisheriger "
        f"Stand nach {releases_dir(place)} verschoben, nicht gelöscht."
    )


def _is_release(place: Path) -> bool:
    """A release wrapper (marker and site/) or the site/ folder of one, wherever it was moved to."""
    if place.name == SITE and (place.parent / MARKER).is_file():
        return True
    return (place / MARKER).is_file() and (place / SITE).is_dir()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(STAMP_FORMAT)


def _moment(release: Path) -> datetime:
    return datetime.strptime(release.name, STAMP_FORMAT).replace(tzinfo=UTC)


def _new_wrapper(releases: Path, moment: datetime, note: str, prefix: str = "") -> Path:
    """Create releases/<prefix><stamp> with the marker inside (one microsecond earlier on a clash)."""
    while True:
        path = releases / f"{prefix}{_stamp(moment)}"
        try:
            path.mkdir()
            break
        except FileExistsError:
            moment -= timedelta(microseconds=1)
    path.chmod(0o755)
    (path / MARKER).write_text(f"Von invoke angelegt ({note}); darf von invoke gelöscht werden.\n", encoding="utf-8")
    return path


def is_ours(path: Path) -> bool:
    """True for a real directory (no symlink) that carries the marker."""
    return path.is_dir() and not path.is_symlink() and (path / MARKER).is_file()


def _remove_ours(path: Path) -> None:
    """Delete a release or staging directory, but only one we created."""
    if not is_ours(path):
        raise RuntimeError(f"refusing to delete {path}: it does not carry the {MARKER} marker")
    shutil.rmtree(path)


def list_releases(target: Path) -> list[Path]:
    """Finished releases of target, oldest first."""
    releases = releases_dir(_place(target))
    if not releases.is_dir():
        return []
    return sorted(p for p in releases.iterdir() if STAMP.fullmatch(p.name) and is_ours(p) and (p / SITE).is_dir())


def current_release(target: Path) -> Path | None:
    """The release target points at, or None when it is not a link to one of ours."""
    place = _place(target)
    if not place.is_symlink():
        return None
    site = Path(os.path.normpath(place.parent / os.readlink(place)))
    release = site.parent
    return release if site.name == SITE and release in list_releases(place) else None


def build_release(
    target: Path,
    build: Callable[[Path], None],
    keep: int,
    project: Path | None = None,
    content: Path | None = None,
    adopt: bool = False,
) -> Path:
    """Run build(site_dir) into a new release of target, switch target to it and prune; return the release.

    If build raises, the staging directory is removed and target stays exactly as it was.
    """
    place = _place(target)
    check_target(place, project, content, adopt)
    releases = releases_dir(place)
    releases.mkdir(parents=True, exist_ok=True)
    staging = _new_wrapper(releases, datetime.now(UTC), f"Build für {place}", STAGING_PREFIX)
    try:
        site = staging / SITE
        site.mkdir()
        build(site)
        site.chmod(0o755)
        release = releases / staging.name.removeprefix(STAGING_PREFIX)
        os.rename(staging, release)
    except BaseException:
        _remove_ours(staging)
        raise
    _switch(place, release)
    prune(place, keep)
    return release


def _switch(place: Path, release: Path) -> None:
    """Point place at release with one atomic rename of a prepared symlink."""
    link = place.parent / f"{LINK_PREFIX.format(name=place.name)}{release.name}"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(release / SITE, place.parent), link, target_is_directory=True)
    try:
        if not place.is_dir() or place.is_symlink():
            os.replace(link, place)
        elif not any(place.iterdir()):
            place.rmdir()
            os.replace(link, place)
        else:
            _replace_directory(place, link, release)
    except BaseException:
        link.unlink(missing_ok=True)
        raise


def _replace_directory(place: Path, link: Path, release: Path) -> None:
    """Move a plain directory (an earlier build) into the releases as the state before release; link takes its place.

    There is no portable atomic exchange of a directory with a link, so two renames follow each
    other directly; this happens once per target.
    """
    moment = min(datetime.fromtimestamp(place.stat().st_mtime, UTC), _moment(release) - timedelta(microseconds=1))
    older = _new_wrapper(release.parent, moment, f"früherer Stand von {place}")
    try:
        os.rename(place, older / SITE)
    except BaseException:
        _remove_ours(older)
        raise
    try:
        os.replace(link, place)
    except BaseException:
        os.rename(older / SITE, place)
        _remove_ours(older)
        raise


def prune(target: Path, keep: int) -> None:
    """Delete all but the newest keep releases (never the current one) and stale staging dirs and links."""
    place = _place(target)
    releases = list_releases(place)
    keep_set = set(releases[-max(keep, 1) :]) | {current_release(place)}
    doomed = [r for r in releases if r not in keep_set]
    folder = releases_dir(place)
    if folder.is_dir():
        cutoff = time.time() - STALE_STAGING_SECONDS
        doomed += [
            p
            for p in folder.iterdir()
            if p.name.startswith(STAGING_PREFIX) and is_ours(p) and p.stat().st_mtime < cutoff
        ]
    for path in doomed:
        _remove_ours(path)
    for stray in place.parent.glob(glob.escape(LINK_PREFIX.format(name=place.name)) + "*"):
        if stray.is_symlink() and stray.lstat().st_mtime < time.time() - STALE_STAGING_SECONDS:
            stray.unlink()


def rollback(target: Path) -> tuple[Path, Path]:
    """Point target back at the release before the current one and delete the abandoned one; return both."""
    place = _place(target)
    current = current_release(place)
    if current is None:
        raise TargetRefused(
            f"„{target}“ zeigt auf keinen Stand, den invoke publish angelegt hat; nichts zurückzurollen."
        )
    older = [r for r in list_releases(place) if r.name < current.name]
    if not older:
        raise TargetRefused(f"Für „{target}“ gibt es keinen älteren Stand; nichts wurde verändert.")
    _switch(place, older[-1])
    _remove_ours(current)
    return current, older[-1]


def remove_all(target: Path) -> None:
    """Remove target's link and every release of ours (``invoke clean`` for output/)."""
    place = _place(target)
    if place.is_symlink():
        place.unlink()
    folder = releases_dir(place)
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if is_ours(path):
            shutil.rmtree(path)
    if not any(folder.iterdir()):
        folder.rmdir()

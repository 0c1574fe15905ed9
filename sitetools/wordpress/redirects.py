"""Old WordPress addresses: normalised paths, and redirect lists merged into the ones already there.

A list is never replaced: every line already in it stays where it is (hand-written ones included); only
old addresses it does not name yet are added at the end. A line for the same old address that leads
elsewhere wins over the import and is reported, so a hand edit survives every re-import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

# Characters left as they are in a path; everything else is percent-encoded (commas too: they separate
# the addresses of Redirect_from).
PATH_SAFE = "/-._~!$&'()*+;=:@"


def normalise_path(path: str) -> str:
    """A clean old path: one slash between segments, valid percent-encoding ("//a%e2%82%ac" -> "/a%E2%82%AC")."""
    path = re.sub(r"/{2,}", "/", "/" + path)
    return quote(unquote(path), safe=PATH_SAFE)


def old_path(path: str) -> str | None:
    """A normalised old address, or None for one no redirect may use (dot segments, control characters)."""
    path = normalise_path(path)
    segments = unquote(path).split("/")
    if any(s in (".", "..") for s in segments) or re.search(r"[\x00-\x1f\x7f]", unquote(path)):
        return None
    return path


def file_path(path: str) -> str:
    """An old path as the redirect page's folder: decoded where that is safe ("/%CE%B1/" -> "/α/")."""
    decoded = unquote(path)
    if re.search(r"[\x00-\x20\x7f-\x9f%?#,\"'\\]", decoded):
        return path
    return decoded


@dataclass(frozen=True)
class ListFormat:
    """How one redirect list writes an entry and recognises the ones in it."""

    header: str
    entry_re: re.Pattern

    def key(self, line: str) -> str | None:
        """The old address a line redirects (None for comments, blank and foreign lines)."""
        match = self.entry_re.match(line.strip())
        return match["old"] if match else None

    def target(self, line: str) -> str:
        """The new address of an entry line."""
        return self.entry_re.match(line.strip())["new"]


REDIRECTS_TXT = ListFormat(
    "# Alte Adresse, neue Adresse: Der Build legt unter jeder alten Adresse eine Weiterleitung an.",
    re.compile(r"(?P<old>/\S*)\s+(?P<new>\S+)$"),
)
NETLIFY = ListFormat(
    "# Alte WordPress-Adressen -> neue Seiten (geschrieben von invoke import-wordpress).",
    re.compile(r"(?P<old>/\S*(?:\s+\w+=\S+)?)\s+(?P<new>\S+)(?:\s+\d{3}!?)?$"),
)
NGINX = ListFormat(
    "# Alte WordPress-Adressen -> neue Seiten (geschrieben von invoke import-wordpress).\n"
    "# In den server-Block einbinden.",
    re.compile(
        r'(?:location = (?:"(?P<quoted>[^"]+)"|(?P<path>\S+))|if \(\$arg_(?P<arg>\w+) = (?P<value>\S+)\))'
        r" \{ return 301 (?P<new>\S+); \}$"
    ),
)


def nginx_key(line: str) -> str | None:
    """The old address of an nginx entry ("/x/" or "?p=1")."""
    match = NGINX.entry_re.match(line.strip())
    if not match:
        return None
    if match["arg"]:
        return f"?{match['arg']}={match['value']}"
    return normalise_path(match["quoted"] or match["path"])


def nginx_location(path: str) -> str:
    """The location for an old path: nginx matches the decoded address, so decode it where that is safe."""
    decoded = unquote(path)
    if decoded == path or re.search(r'[\x00-\x20\x7f"\\;{}]', decoded):
        return path
    return f'"{decoded}"'


def entry_line(kind: str, old: str, new: str) -> str:
    """One entry of a list: kind is "txt", "netlify" or "nginx"; old is a path or "?name=value"."""
    if kind == "txt":
        return f"{file_path(old)} {new}"
    if kind == "netlify":
        return f"/ {old[1:]} {new} 301" if old.startswith("?") else f"{old} {new} 301"
    if old.startswith("?"):
        name, value = old[1:].split("=", 1)
        return f"if ($arg_{name} = {value}) {{ return 301 {new}; }}"
    return f"location = {nginx_location(old)} {{ return 301 {new}; }}"


def _netlify_key(line: str) -> str | None:
    key = NETLIFY.key(line)
    if key and " " in key:  # "/ p=12" -> "?p=12"
        return "?" + key.split()[1]
    return key and normalise_path(key)


def _txt_key(line: str) -> str | None:
    key = REDIRECTS_TXT.key(line)
    return key and normalise_path(key)


def merge(existing: str | None, kind: str, redirects: dict[str, str]) -> tuple[str, list[str]]:
    """The list with every redirect it lacks appended; and the old addresses kept as they were by hand."""
    form = {"txt": REDIRECTS_TXT, "netlify": NETLIFY, "nginx": NGINX}[kind]
    key_of = {"txt": _txt_key, "netlify": _netlify_key, "nginx": nginx_key}[kind]
    lines = existing.splitlines() if existing else form.header.splitlines()
    if kind == "txt":
        redirects = {old: new for old, new in redirects.items() if not old.startswith("?")}
    known: dict[str, str] = {}
    for line in lines:
        key = key_of(line)
        if key:
            known.setdefault(key, form.target(line))
    kept = sorted(old for old, new in redirects.items() if old in known and known[old] != new)
    added = [entry_line(kind, old, new) for old, new in sorted(redirects.items()) if old not in known and old != new]
    return "\n".join(lines + added) + "\n", kept

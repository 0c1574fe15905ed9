"""One cleaning for every comment text a page, a feed or a terminal shows, and one check of a website address.

The intake cleans what it stores, the build cleans what it reads from comment files, and the
moderation tasks clean what they print (also entries of a remote queue or a WordPress import): all
through clean_text. check_website is the one rule for `url` and the `Url:` line, so the intake
accepts exactly the addresses the build accepts.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

# Characters that show as nothing although Unicode files them as letters: the Hangul fillers, the
# Braille blank and the combining grapheme joiner. Names made of them would look empty.
FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
TAGS = range(0xE0000, 0xE0080)  # tag characters: invisible, they smuggle text past a reader
# Control (C0 with ESC, DEL, C1 U+0080-U+009F), format (bidi overrides, zero-width, U+061C, soft
# hyphen) and surrogate code points.
DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n"})
MULTILINE_KEPT = frozenset("\n\t")
# Characters an address may not hold (RFC 3986 leaves them out; in a page or feed they end an attribute).
FORBIDDEN_IN_URL = frozenset(' "<>\\^`{|}')
# Everything else of printable ASCII stays as it is; other characters are percent-encoded.
URL_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in FORBIDDEN_IN_URL)
HOST_RE = re.compile(r"\A(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")
MAX_WEBSITE = 300


def _shown(character: str, kept: frozenset[str]) -> bool:
    if character in kept:
        return True
    if character in FILLERS or ord(character) in TAGS:
        return False
    return unicodedata.category(character) not in DROPPED_CATEGORIES


def clean_text(value: str, multiline: bool = False) -> str:
    """NFC, without control, invisible, reordering or filler characters; one line unless multiline.

    Safe to print to a terminal (no ESC, no C1 controls) and to store in a comment file.
    """
    value = unicodedata.normalize("NFC", str(value).replace("\r\n", "\n").translate(LINE_BREAKS))
    if not multiline:
        value = " ".join(value.split())
    kept = MULTILINE_KEPT if multiline else frozenset()
    value = "".join(character for character in value if _shown(character, kept))
    if not multiline:
        value = " ".join(value.split())  # a dropped character may have stood between two spaces
    return value.strip()


def for_terminal(value: object, multiline: bool = False) -> str:
    """A queue field as the moderation tasks print it: cleaned, "–" when empty."""
    text = clean_text("" if value is None else str(value), multiline)
    return text or "–"


class WebsiteError(ValueError):
    """A website address that the intake refuses and the build would refuse (German message)."""


def check_website(value: str, limit: int = MAX_WEBSITE) -> str:
    """The normalised http(s) address, or WebsiteError.

    Normalised: surrounding spaces dropped, scheme and host in lower case, an international domain
    in its ASCII form, non-ASCII characters of path and query percent-encoded, "/" for an empty
    path. Refused: other schemes, no host, user or password in the address, a bad port, spaces,
    quotes, angle brackets, backslashes, controls and anything invisible.
    """
    url = str(value).strip()
    if not url:
        raise WebsiteError("Die Website-Adresse ist leer.")
    if clean_text(url) != url or any(ch.isspace() for ch in url):
        raise WebsiteError("Die Website-Adresse enthält Leerzeichen oder unsichtbare Zeichen.")
    if FORBIDDEN_IN_URL & set(url):
        raise WebsiteError('Die Website-Adresse enthält unzulässige Zeichen (z. B. " < > oder \\).')
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebsiteError("Die Website-Adresse ist nicht lesbar (Klammern oder Port prüfen).") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise WebsiteError("Die Website muss mit http:// oder https:// und einem Namen beginnen.")
    if parts.username is not None or parts.password is not None:
        raise WebsiteError("Die Website-Adresse darf keinen Benutzernamen und kein Passwort enthalten.")
    host = _ascii_host(parts.hostname)
    netloc = host if port is None else f"{host}:{port}"
    normalised = urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            quote(parts.path, safe=URL_SAFE) or "/",
            quote(parts.query, safe=URL_SAFE),
            quote(parts.fragment, safe=URL_SAFE),
        )
    )
    if len(normalised) > limit:
        raise WebsiteError(f"Die Website-Adresse ist zu lang (höchstens {limit} Zeichen).")
    return normalised


def _ascii_host(host: str) -> str:
    """The host in lower case, an international domain name in its xn-- form; WebsiteError if it is none."""
    if host.startswith("[") or ":" in host:  # an IPv6 literal; urlsplit has checked its brackets
        return f"[{host.strip('[]')}]"
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise WebsiteError("Der Name der Website ist keine gültige Domain.") from None
    if not HOST_RE.match(ascii_host.rstrip(".")):
        raise WebsiteError("Der Name der Website ist keine gültige Domain.")
    return ascii_host

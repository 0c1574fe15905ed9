"""Receiving Webmentions (W3C): fetch the source safely, check it links to the target, read it with mf2py.

The fetch has a timeout, a size cap and a redirect limit, connects only to the address it checked
(no DNS rebinding), and refuses private, loopback, link-local and other special addresses unless
their network is listed in COMMENTS["webmention_allowed_networks"].
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from .model import clean_text

MAX_REDIRECTS = 3
HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = "kmu-social-media-webmention/1.0"


class WebmentionError(ValueError):
    """A mention that cannot be accepted; the message says why (German, for the sender)."""


@dataclass(frozen=True)
class Mention:
    """What a verified source says about the target."""

    source: str
    author: str
    text: str


@dataclass(frozen=True)
class FetchLimits:
    """How far the source fetch may go."""

    timeout: float = 5.0
    max_bytes: int = 1_000_000
    max_redirects: int = MAX_REDIRECTS
    allowed_networks: tuple[str, ...] = ()


def normalize(url: str) -> str:
    """A URL without fragment, with a lower-case scheme and host and a path of at least "/"."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def check_url(url: str, field: str) -> str:
    """url if it is an absolute http(s) URL, else a WebmentionError naming the field."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000 or clean_text(url) != url:
        raise WebmentionError(f"„{field}“ muss eine vollständige http- oder https-Adresse sein.")
    return url


def _address(host: str, port: int, limits: FetchLimits) -> str:
    """The one IP address to connect to, if every address of host is public or explicitly allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebmentionError(f"Die Quelle {host} ist nicht auffindbar.") from exc
    allowed = [ipaddress.ip_network(net) for net in limits.allowed_networks]
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        if any(address in net for net in allowed):
            continue
        if not address.is_global or address.is_multicast:
            raise WebmentionError("Die Quelle liegt in einem privaten oder lokalen Netz; das holen wir nicht ab.")
    return str(addresses[0])


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(url: str, limits: FetchLimits) -> tuple[str, str]:
    """GET url following at most max_redirects redirects; returns (final URL, HTML text)."""
    deadline = time.monotonic() + limits.timeout * (limits.max_redirects + 1)
    for _ in range(limits.max_redirects + 1):
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _address(parts.hostname, port, limits)
        kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        connection = kind(parts.hostname, port, address, limits.timeout)
        path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        try:
            connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/html"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = check_url(urljoin(url, response.getheader("Location")), "source")
                continue
            if response.status != 200:
                raise WebmentionError(f"Die Quelle antwortet mit Status {response.status}.")
            kind_header = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            if kind_header not in HTML_TYPES:
                raise WebmentionError("Die Quelle ist keine HTML-Seite.")
            body = response.read(limits.max_bytes + 1)
            if len(body) > limits.max_bytes or time.monotonic() > deadline:
                raise WebmentionError("Die Quelle ist zu groß oder zu langsam.")
            charset = response.headers.get_content_charset() or "utf-8"
            return url, body.decode(charset, "replace")
        except (OSError, http.client.HTTPException, LookupError) as exc:
            raise WebmentionError("Die Quelle war nicht abrufbar (Zeitlimit oder Verbindungsfehler).") from exc
        finally:
            connection.close()
    raise WebmentionError(f"Die Quelle leitet mehr als {limits.max_redirects}-mal weiter.")


def verify(source: str, target: str, limits: FetchLimits) -> Mention:
    """Fetch source and return what it says, if it really links to target."""
    import mf2py
    from bs4 import BeautifulSoup

    final, html = fetch(source, limits)
    soup = BeautifulSoup(html, "html.parser")
    wanted = normalize(target)
    links = [normalize(urljoin(final, tag["href"])) for tag in soup.find_all(["a", "link"], href=True)]
    if wanted not in links:
        raise WebmentionError("Die Quelle enthält keinen Link auf das Ziel.")
    parsed = mf2py.parse(doc=html, url=final, html_parser="html5lib")
    entry = next((item for item in parsed.get("items", []) if "h-entry" in item.get("type", [])), None)
    author = text = ""
    if entry:
        properties = entry.get("properties", {})
        card = (properties.get("author") or [""])[0]
        author = card.get("properties", {}).get("name", [""])[0] if isinstance(card, dict) else str(card)
        for key in ("summary", "content", "name"):
            value = (properties.get(key) or [""])[0]
            text = value.get("value", "") if isinstance(value, dict) else str(value)
            if text.strip():
                break
    title = soup.title.get_text() if soup.title else ""
    author = clean_text(author or title or urlsplit(final).hostname)[:100]
    text = clean_text(text or title or final)
    return Mention(source=source, author=author, text=text[:500] + ("…" if len(text) > 500 else ""))

"""Receiving Webmentions (W3C): fetch the source safely, check it links to the target, read it with mf2py.

The intake answers a mention at once (202) and verifies it later in a few background threads
(MentionWorkers, a bounded queue); W3C Webmention allows this asynchronous processing. The fetch
has one deadline for everything (connect, headers, body, redirects), a size cap and a redirect
limit, connects only to the address it checked (no DNS rebinding), and refuses private, loopback,
link-local and other special addresses unless their network is listed in
COMMENTS["webmention_allowed_networks"]. The page is parsed with lxml (linear time) and refused when
it nests deeper than MAX_DEPTH, before mf2py walks it.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from queue import Empty, Full, Queue
from urllib.parse import urljoin, urlsplit, urlunsplit

from .cleaning import WebsiteError, check_website, clean_text

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 3
MAX_DEPTH = 100  # nesting levels of a source page; real pages stay far below, mf2py recurses per level
HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = "kmu-social-media-webmention/1.0"
MAX_SOURCE_URL = 2000


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

    timeout: float = 5.0  # seconds for the whole fetch of one mention, redirects included
    max_bytes: int = 1_000_000
    max_redirects: int = MAX_REDIRECTS
    allowed_networks: tuple[str, ...] = ()


def normalize(url: str) -> str:
    """A URL without fragment, with a lower-case scheme and host and a path of at least "/"."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def check_url(url: str, field: str) -> str:
    """url normalised if the build would accept it as an address, else a WebmentionError naming the field."""
    try:
        return check_website(url, MAX_SOURCE_URL)
    except WebsiteError:
        raise WebmentionError(f"„{field}“ muss eine vollständige http- oder https-Adresse sein.") from None


def _address(host: str, port: int, limits: FetchLimits) -> str:
    """The one IP address to connect to, if every address of host is public or explicitly allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebmentionError(f"Die Quelle {host} ist nicht auffindbar.") from exc
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        _check_address(address, limits)
    return str(addresses[0])


def _check_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address, limits: FetchLimits) -> None:
    """WebmentionError unless address is public or in one of the allowed networks."""
    if any(address in ipaddress.ip_network(net) for net in limits.allowed_networks):
        return
    if not address.is_global or address.is_multicast:
        raise WebmentionError("Die Quelle liegt in einem privaten oder lokalen Netz; das holen wir nicht ab.")


def check_source_address(url: str, limits: FetchLimits) -> None:
    """Refuse at once a source whose host is a private or local IP address (names are resolved by the worker)."""
    try:
        address = ipaddress.ip_address(urlsplit(url).hostname.strip("[]"))
    except ValueError:
        return
    _check_address(address, limits)


class _Pinned:
    """Connects to the checked address only; abort() ends any connect or read at once (the deadline)."""

    _address: str
    _raw: socket.socket | None = None
    _aborted = False

    def _open(self) -> socket.socket:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self._raw = sock
        if self._aborted:
            sock.close()
            raise TimeoutError("deadline passed while connecting")
        return sock

    def abort(self) -> None:
        """Shut the socket down: a read waiting in another thread returns at once, the source sees the end."""
        self._aborted = True
        if self._raw is not None:
            with contextlib.suppress(OSError):  # already closed
                self._raw.shutdown(socket.SHUT_RDWR)


class _PinnedHTTP(_Pinned, http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = self._open()


class _PinnedHTTPS(_Pinned, http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        self.sock = self._context.wrap_socket(self._open(), server_hostname=self.host)


def fetch(url: str, limits: FetchLimits) -> tuple[str, str]:
    """GET url following at most max_redirects redirects, all within limits.timeout; returns (final URL, HTML)."""
    deadline = time.monotonic() + limits.timeout
    for _ in range(limits.max_redirects + 1):
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _address(parts.hostname, port, limits)
        kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        connection = kind(parts.hostname, port, address, limits.timeout)
        watchdog = threading.Timer(max(deadline - time.monotonic(), 0), connection.abort)
        watchdog.daemon = True
        watchdog.start()
        path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        response = None
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
            if time.monotonic() >= deadline:
                raise WebmentionError(f"Die Quelle ist zu langsam (mehr als {limits.timeout:g} s).")
            if len(body) > limits.max_bytes:
                raise WebmentionError("Die Quelle ist zu groß.")
            charset = response.headers.get_content_charset() or "utf-8"
            return url, body.decode(charset, "replace")
        except (OSError, http.client.HTTPException, LookupError) as exc:
            if time.monotonic() >= deadline:
                raise WebmentionError(f"Die Quelle ist zu langsam (mehr als {limits.timeout:g} s).") from exc
            raise WebmentionError("Die Quelle war nicht abrufbar (Verbindungsfehler).") from exc
        finally:
            watchdog.cancel()
            connection.abort()  # hang up now, whoever still holds the socket (an exception's frames)
            if response is not None:
                response.close()
            connection.close()
    raise WebmentionError(f"Die Quelle leitet mehr als {limits.max_redirects}-mal weiter.")


def _document(html: str):
    """The page as an lxml tree (linear time, whatever the markup), or WebmentionError when it nests too deep."""
    from lxml import etree
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(encoding="utf-8", recover=True, huge_tree=False)
    try:
        root = lxml_html.document_fromstring(html.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise WebmentionError("Die Quelle ist kein lesbares HTML.") from exc
    depth = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            raise WebmentionError(f"Die Quelle ist zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen).")
    return root


def verify(source: str, target: str, limits: FetchLimits) -> Mention:
    """Fetch source and return what it says, if it really links to target."""
    import mf2py

    final, html = fetch(source, limits)
    root = _document(html)
    wanted = normalize(target)
    links = {normalize(urljoin(final, href)) for href in root.xpath("//a/@href | //link/@href")}
    if wanted not in links:
        raise WebmentionError("Die Quelle enthält keinen Link auf das Ziel.")
    try:
        parsed = mf2py.parse(doc=html, url=final, html_parser="lxml")
    except RecursionError as exc:  # MAX_DEPTH keeps mf2py far from this; never a traceback in the log
        raise WebmentionError("Die Quelle ist zu tief verschachtelt.") from exc
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
    title = " ".join(root.xpath("string(//title)").split())
    author = clean_text(author or title or urlsplit(final).hostname)[:100]
    text = clean_text(text or title or final)
    return Mention(source=source, author=author, text=text[:500] + ("…" if len(text) > 500 else ""))


class MentionWorkers:
    """Mentions waiting for verification, worked off by a few daemon threads (a bounded queue).

    submit() never blocks: False means the queue is full (the intake answers 503). A mention of the
    same source and target that is still waiting is not queued twice.
    """

    def __init__(self, handle: Callable[[str, str, str], None], workers: int = 2, capacity: int = 20) -> None:
        self._handle = handle
        self._jobs: Queue[tuple[str, str, str] | None] = Queue(maxsize=capacity)
        self._waiting: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._work, name=f"webmention-{number}", daemon=True) for number in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, source: str, target: str, slug: str) -> bool:
        """Queue one mention for verification; False when the queue is full."""
        key = (normalize(source), normalize(target))
        with self._lock:
            if key in self._waiting:
                return True
            try:
                self._jobs.put_nowait((source, target, slug))
            except Full:
                return False
            self._waiting.add(key)
        return True

    def idle(self) -> bool:
        """Whether no mention waits or is being verified."""
        with self._lock:
            return not self._waiting

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                self._handle(*job)
            except Exception:  # a bug: log it and keep the worker alive for the next mention
                logger.exception("comments: unexpected error while verifying the webmention from %s", job[0])
            finally:
                with self._lock:
                    self._waiting.discard((normalize(job[0]), normalize(job[1])))

    def close(self, timeout: float = 2.0) -> None:
        """Drop what still waits and stop the threads (a fetch under way ends by its own deadline)."""
        while True:
            try:
                self._jobs.get_nowait()
            except Empty:
                break
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join(timeout)

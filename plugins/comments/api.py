"""The token-protected moderation API of the intake (`/kommentare/api/`) and its client.

With COMMENTS_REMOTE and COMMENTS_TOKEN set, the moderation tasks use RemoteQueue instead of the
local SQLite file: approving writes the file into the local repository and marks the entry done
on the server.

The client sends the token only to the address it was given: redirects are refused, and plain
http:// only to a loopback address. Every answer is checked against the request (keys, types, the
id asked for); anything else is a RemoteError with one German message, and nothing is written.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import urllib.error
import urllib.request
from datetime import datetime
from urllib.parse import quote, urlsplit

from . import subscriptions
from .cleaning import clean_text
from .model import ID_RE, SLUG_RE, TYPES
from .queue import COLUMNS, STATUSES, CommentQueue, Entry

JSON = [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")]
MAX_REPLY_NOTICE = 65536  # bytes of a reply notice (the author's reply text)


class RemoteError(Exception):
    """The remote intake could not be reached or refused the request (German message)."""


class ModerationApi:
    """GET entries[?status=..], GET entries/<id>, POST entries/<id>/approve, DELETE entries/<id>,
    POST entries/<id>/replies (the author's reply, for the reply mail)."""

    def __init__(self, queue: CommentQueue, token: str) -> None:
        self.queue = queue
        self._token = token.encode()

    def __call__(self, environ: dict, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """Answer one API request below /kommentare/api/."""
        offered = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").encode()
        if not hmac.compare_digest(offered, self._token):
            return _json(401, {"status": "error", "message": "Falscher oder fehlender Token."})
        method = environ.get("REQUEST_METHOD", "GET")
        parts = path.strip("/").split("/")
        if parts == ["entries"] and method == "GET":
            query = environ.get("QUERY_STRING", "")
            wanted = [s for s in query.removeprefix("status=").split(",") if s in STATUSES]
            return _json(200, {"entries": [e.as_dict() for e in self.queue.entries(*wanted)]})
        if len(parts) >= 2 and parts[0] == "entries" and ID_RE.match(parts[1]):
            comment_id = parts[1]
            if parts[2:] == [] and method == "GET":
                entry = self.queue.get(comment_id)
                return _json(200, entry.as_dict()) if entry else _json(404, {"status": "error"})
            if parts[2:] == ["approve"] and method == "POST":
                return _json(200, {"id": comment_id, "changed": self.queue.mark_approved(comment_id)})
            if parts[2:] == [] and method == "DELETE":
                return _json(200, {"id": comment_id, "changed": self.queue.delete(comment_id)})
            if parts[2:] == ["replies"] and method == "POST":
                return self._reply_notice(environ, comment_id)
        return _json(404, {"status": "error", "message": "Unbekannte Anfrage."})

    def _reply_notice(self, environ: dict, comment_id: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """POST entries/<id>/replies {"reply_id", "author", "body"}: the author's reply, for the mail to subscribers."""
        try:
            length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_REPLY_NOTICE)
            data = json.loads(environ["wsgi.input"].read(length).decode("utf-8"))
            reply_id, author, body = data["reply_id"], data["author"], data["body"]
        except (ValueError, KeyError, TypeError):
            return _json(400, {"status": "error", "message": 'Erwartet: {"reply_id", "author", "body"}.'})
        if not (isinstance(reply_id, str) and ID_RE.match(reply_id) and isinstance(author, str)
                and isinstance(body, str)):  # fmt: skip
            return _json(400, {"status": "error", "message": "reply_id, author oder body ist unzulässig."})

        def announce(db) -> bool:
            return subscriptions.announce_reply(db, parent_id=comment_id, reply_id=reply_id, author=author, body=body)

        queued = self.queue.write(announce)
        return _json(200, {"id": comment_id, "changed": queued})


def _json(status: int, data: dict) -> tuple[int, list[tuple[str, str]], bytes]:
    return status, list(JSON), json.dumps(data, ensure_ascii=False).encode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Answers a redirect with its HTTPError instead of following it (with the token) to a new address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl) -> None:
        """No new request: urllib raises the redirect's HTTPError."""
        return None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _shown(value: object) -> str:
    """Something the server sent, safe to put into a message for the terminal."""
    return clean_text(str(value))[:80]


class RemoteQueue:
    """The queue of a remote intake, with the methods of CommentQueue the moderation uses."""

    def __init__(self, base_url: str, token: str, timeout: float = 15, mount: str = "/kommentare/") -> None:
        """mount: the intake's path (``comments.plugin.intake_mount(settings)``, from COMMENTS["intake_path"])."""
        parts = urlsplit(base_url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RemoteError(
                f"COMMENTS_REMOTE muss die Adresse des Kommentarservers sein, z. B. "
                f"https://kmu-social-media.example, nicht „{_shown(base_url)}“."
            )
        if parts.scheme == "http" and not _loopback(parts.hostname):
            raise RemoteError(
                f"COMMENTS_REMOTE „{_shown(base_url)}“ beginnt mit http://: der Token ginge unverschlüsselt "
                "durchs Netz. Verwenden Sie https:// (http:// nur für 127.0.0.1 oder localhost)."
            )
        self.base = base_url.strip().rstrip("/") + "/" + mount.strip("/") + "/api/"
        self.token = token
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirects)

    @classmethod
    def for_settings(cls, base_url: str, token: str, settings: dict) -> RemoteQueue:
        """The remote queue at the intake path the site's COMMENTS setting names."""
        from .plugin import intake_mount

        return cls(base_url, token, mount=intake_mount(settings))

    def _call(self, method: str, path: str, data: dict | None = None) -> dict | None:
        """The server's JSON object for one request (with data as its JSON body); None for 404."""
        headers = {"Authorization": f"Bearer {self.token}"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        body = json.dumps(data, ensure_ascii=False).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            if 300 <= exc.code < 400:
                raise RemoteError(
                    f"Der Kommentarserver leitet nach „{_shown(exc.headers.get('Location', ''))}“ um; dorthin "
                    "schicken wir den Token nicht. Tragen Sie die endgültige Adresse in COMMENTS_REMOTE ein."
                ) from exc
            if exc.code == 401:
                raise RemoteError("Der Kommentarserver lehnt den Token ab; prüfen Sie COMMENTS_TOKEN.") from exc
            raise RemoteError(f"Der Kommentarserver antwortet mit Fehler {exc.code}{_message(exc)}.") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise RemoteError(f"Der Kommentarserver {self.base} ist nicht erreichbar ({_shown(exc)}).") from exc
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise _malformed("kein JSON-Objekt")
        return data

    def entries(self, *statuses: str) -> list[Entry]:
        """Entries with one of statuses from the server."""
        data = self._call("GET", "entries?status=" + ",".join(statuses)) or {"entries": []}
        if set(data) != {"entries"} or not isinstance(data["entries"], list):
            raise _malformed('statt {"entries": [...]} kam etwas anderes')
        return [_entry(item, statuses=statuses or STATUSES) for item in data["entries"]]

    def get(self, comment_id: str) -> Entry | None:
        """One entry from the server, or None."""
        data = self._call("GET", "entries/" + quote(comment_id, safe=""))
        return _entry(data, wanted=comment_id) if data else None

    def mark_approved(self, comment_id: str) -> bool:
        """Mark the entry done on the server (it forgets the e-mail address)."""
        return _changed(self._call("POST", f"entries/{quote(comment_id, safe='')}/approve"), comment_id)

    def delete(self, comment_id: str) -> bool:
        """Delete the entry on the server."""
        return _changed(self._call("DELETE", "entries/" + quote(comment_id, safe="")), comment_id)

    def announce_reply(self, parent_id: str, reply_id: str, author: str, body: str) -> bool:
        """Tell the server about the author's reply, so it mails the parent's confirmed subscriber."""
        data = {"reply_id": reply_id, "author": author, "body": body}
        return _changed(self._call("POST", f"entries/{quote(parent_id, safe='')}/replies", data), parent_id)


def _message(error: urllib.error.HTTPError) -> str:
    """The server's own German message of an error answer, if it sent one."""
    try:
        message = json.loads(error.read().decode("utf-8")).get("message")
    except (ValueError, AttributeError, OSError):
        return ""
    return f": {_shown(message)}" if isinstance(message, str) and message else ""


def _malformed(why: str) -> RemoteError:
    return RemoteError(
        f"Der Kommentarserver hat eine unerwartete Antwort geschickt ({why}); nichts wurde verändert. "
        "Laufen dort und hier dieselbe Version des Projekts?"
    )


def _entry(data: object, wanted: str | None = None, statuses: tuple[str, ...] = STATUSES) -> Entry:
    """An Entry from the server's answer, checked field by field (and against the id asked for)."""
    if not isinstance(data, dict) or set(data) != set(COLUMNS):
        found = sorted(_shown(key) for key in data) if isinstance(data, dict) else type(data).__name__
        raise _malformed(f"Felder {found} statt {list(COLUMNS)}")
    optional = {"email", "url", "reply_to", "reason"}
    for name in COLUMNS:
        value = data[name]
        if not (isinstance(value, str) or (value is None and name in optional)):
            raise _malformed(f"„{name}“ ist {_shown(repr(value))}")
    if wanted is not None and data["id"] != wanted:
        raise RemoteError(
            f"Der Kommentarserver antwortet mit dem Kommentar „{_shown(data['id'])}“ statt „{_shown(wanted)}“; "
            "nichts wurde verändert."
        )
    if not ID_RE.match(data["id"]) or not SLUG_RE.match(data["article"]):
        raise _malformed(f"Nummer „{_shown(data['id'])}“ oder Artikel „{_shown(data['article'])}“ ist unzulässig")
    if data["reply_to"] is not None and not ID_RE.match(data["reply_to"]):
        raise _malformed(f"„reply_to“ ist „{_shown(data['reply_to'])}“")
    if data["status"] not in statuses or data["type"] not in TYPES:
        raise _malformed(f"Status „{_shown(data['status'])}“ oder Typ „{_shown(data['type'])}“")
    try:
        created = datetime.fromisoformat(data["created"])
    except ValueError:
        created = None
    if created is None or created.tzinfo is None:
        raise _malformed(f"„created“ ist „{_shown(data['created'])}“, kein Zeitpunkt nach ISO 8601 mit Zeitzone")
    return Entry(**data)


def _changed(data: dict | None, comment_id: str) -> bool:
    """The server's {"id", "changed"} answer to approve or delete, checked against the id sent."""
    if data is None:
        return False
    if not isinstance(data.get("changed"), bool) or set(data) - {"id", "changed"}:
        raise _malformed('statt {"id": …, "changed": true/false} kam etwas anderes')
    if "id" in data and data["id"] != comment_id:
        raise RemoteError(
            f"Der Kommentarserver meldet den Kommentar „{_shown(data['id'])}“ statt „{_shown(comment_id)}“."
        )
    return data["changed"]

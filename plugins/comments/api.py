"""The token-protected moderation API of the intake (`/kommentare/api/`) and its client.

With COMMENTS_REMOTE and COMMENTS_TOKEN set, the moderation tasks use RemoteQueue instead of the
local SQLite file: approving writes the file into the local repository and marks the entry done
on the server.
"""

from __future__ import annotations

import hmac
import json
import urllib.error
import urllib.request
from urllib.parse import quote

from .model import ID_RE
from .queue import STATUSES, CommentQueue, Entry

JSON = [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")]


class RemoteError(Exception):
    """The remote intake could not be reached or refused the request (German message)."""


class ModerationApi:
    """GET entries[?status=..], GET entries/<id>, POST entries/<id>/approve, DELETE entries/<id>."""

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
                return _json(200, {"changed": self.queue.mark_approved(comment_id)})
            if parts[2:] == [] and method == "DELETE":
                return _json(200, {"changed": self.queue.delete(comment_id)})
        return _json(404, {"status": "error", "message": "Unbekannte Anfrage."})


def _json(status: int, data: dict) -> tuple[int, list[tuple[str, str]], bytes]:
    return status, list(JSON), json.dumps(data, ensure_ascii=False).encode()


class RemoteQueue:
    """The queue of a remote intake, with the methods of CommentQueue the moderation uses."""

    def __init__(self, base_url: str, token: str, timeout: float = 15, mount: str = "/kommentare/") -> None:
        """mount: the intake's path (``comments.plugin.intake_mount(settings)``, from COMMENTS["intake_path"])."""
        self.base = base_url.rstrip("/") + "/" + mount.strip("/") + "/api/"
        self.token = token
        self.timeout = timeout

    @classmethod
    def for_settings(cls, base_url: str, token: str, settings: dict) -> RemoteQueue:
        """The remote queue at the intake path the site's COMMENTS setting names."""
        from .plugin import intake_mount

        return cls(base_url, token, mount=intake_mount(settings))

    def _call(self, method: str, path: str) -> dict | None:
        request = urllib.request.Request(
            self.base + path, method=method, headers={"Authorization": f"Bearer {self.token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            if exc.code == 401:
                raise RemoteError("Der Kommentarserver lehnt den Token ab; prüfen Sie COMMENTS_TOKEN.") from exc
            raise RemoteError(f"Der Kommentarserver antwortet mit Fehler {exc.code}.") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise RemoteError(f"Der Kommentarserver {self.base} ist nicht erreichbar ({exc}).") from exc

    def entries(self, *statuses: str) -> list[Entry]:
        """Entries with one of statuses from the server."""
        data = self._call("GET", "entries?status=" + ",".join(statuses)) or {"entries": []}
        return [Entry(**item) for item in data["entries"]]

    def get(self, comment_id: str) -> Entry | None:
        """One entry from the server, or None."""
        data = self._call("GET", "entries/" + quote(comment_id))
        return Entry(**data) if data else None

    def mark_approved(self, comment_id: str) -> bool:
        """Mark the entry done on the server (it forgets the e-mail address)."""
        return bool((self._call("POST", f"entries/{quote(comment_id)}/approve") or {}).get("changed"))

    def delete(self, comment_id: str) -> bool:
        """Delete the entry on the server."""
        return bool((self._call("DELETE", "entries/" + quote(comment_id)) or {}).get("changed"))

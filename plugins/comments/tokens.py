"""Signed, expiring tokens for the links in e-mails: moderate a comment, confirm or end a subscription.

A token is ``<purpose>.<comment id>.<expiry>.<signature>``: it names the comment in plain sight (ids
are public once a comment is online), the expiry is a Unix time in hex (``0``: never), and the
signature is an HMAC-SHA256 over the rest with ``COMMENTS_SECRET``, compared as text, so changing
any one character makes the token invalid.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass

from .model import ID_RE

# Moderation links name the action they were labelled with (the page offers every action anyway).
MODERATE = {"f": "approve", "o": "strip", "r": "reject"}  # freischalten, ohne Links, zurückweisen
CONFIRM = "b"  # bestätigen: double opt-in for reply notifications
UNSUBSCRIBE = "a"  # abmelden
PURPOSES = (*MODERATE, CONFIRM, UNSUBSCRIBE)
SIGNATURE_CHARS = 32  # 128 bits of the HMAC, hex
TOKEN_RE = re.compile(
    r"\A(?P<purpose>[a-z])\.(?P<id>[A-Za-z0-9_-]{1,64})\.(?P<expires>[0-9a-f]{1,12})\.(?P<sig>[0-9a-f]+)\Z"
)


class TokenError(Exception):
    """A token that cannot be used; status is the HTTP answer (403 forged, 404 malformed, 410 expired)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Token:
    """What a valid token says: its purpose and the comment it names."""

    purpose: str
    comment_id: str
    expires: int


class Signer:
    """Makes and checks tokens with one secret."""

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("COMMENTS_SECRET is empty; links in e-mails need a secret")
        self._key = hashlib.sha256(b"kommentare-links\0" + secret.encode()).digest()

    def _signature(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()[:SIGNATURE_CHARS]

    def make(self, purpose: str, comment_id: str, valid_days: float | None) -> str:
        """A token for purpose and comment_id, valid for valid_days (None: without expiry)."""
        if purpose not in PURPOSES or not ID_RE.match(comment_id):
            raise ValueError(f"cannot sign {purpose!r} for {comment_id!r}")
        expires = 0 if valid_days is None else int(time.time() + valid_days * 86400)
        payload = f"{purpose}.{comment_id}.{expires:x}"
        return f"{payload}.{self._signature(payload)}"

    def check(self, token: str, *purposes: str) -> Token:
        """The token's content, or TokenError (404 malformed or of another kind, 403 forged, 410 expired)."""
        match = TOKEN_RE.match(token)
        if not match or match["purpose"] not in purposes:
            raise TokenError(404, "Diesen Link gibt es nicht. Bitte kopieren Sie ihn vollständig aus der E-Mail.")
        payload = token.rsplit(".", 1)[0]
        if not hmac.compare_digest(match["sig"], self._signature(payload)):
            raise TokenError(403, "Dieser Link ist ungültig. Bitte kopieren Sie ihn vollständig aus der E-Mail.")
        expires = int(match["expires"], 16)
        if expires and expires < time.time():
            raise TokenError(410, "Dieser Link ist abgelaufen.")
        return Token(match["purpose"], match["id"], expires)

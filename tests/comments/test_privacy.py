"""The Datenschutz page describes the comment form: each of its promises is checked against the code."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from comments.intake import RateLimiter
from comments.moderation import Moderator
from comments.plugin import DEFAULTS
from helpers import ROOT

PRIVACY = (ROOT / "content/pages/datenschutz.md").read_text(encoding="utf-8")
CSS = (ROOT / "theme/static/css/site.css").read_text(encoding="utf-8")


def promise(sentence_start: str) -> str:
    """The sentence of the Datenschutz page that starts like this (fails when it was reworded)."""
    match = re.search(re.escape(sentence_start) + r"[^.]*\.", PRIVACY)
    assert match, f"the Datenschutz page no longer says {sentence_start!r}: update it and this test together"
    return match[0]


@pytest.fixture(scope="module")
def form(starter_site):
    """The comment form of the starter article with comments."""
    return starter_site.html("kritik-in-kommentaren-und-bewertungen-souveraen-beantworten/index.html").find(
        "form", class_="comment-form"
    )


def test_name_and_email_are_required_website_is_optional(form):
    assert "Pflichtfeld" in promise("- **Name:** Pflichtfeld")
    assert "Pflichtfeld" in promise("- **E-Mail-Adresse:** Pflichtfeld")
    assert "freiwillig" in promise("- **Website:** freiwillig")
    assert form.find("input", attrs={"name": "author"}).has_attr("required")
    assert form.find("input", attrs={"name": "email"}).has_attr("required")
    assert not form.find("input", attrs={"name": "url"}).has_attr("required")


def test_website_links_the_name_and_the_time_is_published(starter_site):
    promise("Wenn Sie eine Adresse angeben, wird Ihr Name im veröffentlichten Kommentar mit ihr verlinkt")
    promise("Datum und Uhrzeit des Kommentars werden gespeichert und mit dem Kommentar veröffentlicht")
    page = starter_site.html("kritik-in-kommentaren-und-bewertungen-souveraen-beantworten/index.html")
    first = page.find(id="comment-k7d2a9e1")
    assert first.find(class_="comment-author").a["href"] == "https://tischlerei-hollstein.example/"
    assert first.find("time")["datetime"].startswith("2018-12-05T19:42")


def test_email_is_never_published_and_deleted_after_moderation(intake, valid_form, tmp_path):
    promise("Sie wird **nie veröffentlicht**")
    promise("Nach der Moderation, also sobald wir Ihren Kommentar freigeschaltet oder abgelehnt haben, löschen wir sie")
    moderator = Moderator(intake.queue, tmp_path / "comments", "Europe/Berlin")
    approved, rejected = (
        json.loads(intake.post(valid_form(body=f"Text {n}", email="leser@example.org"), json=True).body)["id"]
        for n in range(2)
    )
    path = moderator.approve(approved)
    moderator.reject(rejected)
    assert "leser@example.org" not in path.read_text(encoding="utf-8")
    assert "leser@example.org" not in "\n".join(sqlite3.connect(intake.config.db_path).iterdump())


def test_the_address_is_only_checked_briefly_and_never_stored(intake, valid_form):
    promise("Ihre **IP-Adresse** wird nicht mit dem Kommentar gespeichert")
    promise("Um massenhafte Einsendungen zu verhindern, prüft der Kommentarserver kurzzeitig")
    intake.post(valid_form())
    assert "127.0.0.1" not in "\n".join(sqlite3.connect(intake.config.db_path).iterdump())
    limiter = RateLimiter(limit=3, window_seconds=DEFAULTS["rate_window_seconds"])
    limiter.allow("203.0.113.9")
    assert all(b"203.0.113.9" not in key and len(key) == 32 for key in limiter._hits)  # salted hashes only
    assert DEFAULTS["rate_window_seconds"] <= 3600


def test_invisible_field_consent_and_no_external_service(form, starter_site):
    promise("Zum Schutz vor automatisiertem Spam nutzen wir außerdem ein für Menschen unsichtbares Formularfeld")
    promise("Bevor Sie einen Kommentar absenden, bestätigen Sie mit einem Häkchen")
    trap = form.find("input", attrs={"name": "firma"})
    assert "comment-trap" in trap.parent["class"] and re.search(r"\.comment-trap\s*\{\s*display:\s*none", CSS)
    consent = form.find("input", attrs={"name": "consent"})
    assert consent["type"] == "checkbox" and consent.has_attr("required")
    assert not re.match(r"(https?:)?//", form["action"])  # posts to our own server, no spam service


def test_unmoderated_entries_are_purged_after_the_stated_days(intake, valid_form):
    days = int(re.search(r"nach spätestens (\d+) Tagen von selbst", promise("Abgelehnte Kommentare löschen wir"))[1])
    assert days == DEFAULTS["retention_days"]
    intake.post(valid_form())
    with sqlite3.connect(intake.config.db_path) as db:
        db.execute("UPDATE comments SET created = '2000-01-01T00:00:00+00:00', queued = '2000-01-01T00:00:00+00:00'")
    assert intake.queue.purge(days) == {"pending": 1} and not intake.queue.entries()

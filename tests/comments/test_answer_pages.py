"""The intake's HTML answers are pages of the site: its layout, plain German, the reader's text kept."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from comments.answers import SHELL, AnswerPages

ARTICLE = "../beitrag/"


def page(answer) -> BeautifulSoup:
    assert answer.headers["Content-Type"].startswith("text/html")
    return BeautifulSoup(answer.text, "html.parser")


def assert_site_page(soup: BeautifulSoup) -> None:
    """The site's layout: its stylesheet, header and footer."""
    assert soup.select_one('link[rel="stylesheet"]')["href"] == "../theme/css/site.css"
    assert soup.select_one("header.site-header") and soup.select_one("footer.site-footer")
    assert soup.html["lang"] == "de"


def test_a_missing_consent_is_the_form_again_with_everything_the_reader_typed(intake, valid_form):
    answer = intake.post(valid_form(consent="", body="Erste Zeile\n<b>zweite</b> & mehr"))
    assert answer.status == 400
    assert answer.headers["Cache-Control"] == "no-store"  # their own e-mail address is in it: never cached
    soup = page(answer)
    assert_site_page(soup)
    assert soup.h1.text == "Bitte prüfen Sie Ihre Angaben"
    assert "Einwilligung" in soup.select_one("#antwort-meldung").text
    form = soup.select_one("form.comment-form")
    assert form["action"] == "../kommentare/" and form["method"] == "post"
    assert form.select_one('[name="article"]')["value"] == "beitrag"
    assert form.select_one('[name="author"]')["value"] == "Jana Beispiel"
    assert form.select_one('[name="email"]')["value"] == "jana@example.org"
    assert form.select_one('[name="url"]')["value"] == "https://jana.example/"
    assert form.select_one('[name="body"]').text == "Erste Zeile\n<b>zweite</b> & mehr"  # as text, escaped
    consent = form.select_one('[name="consent"]')
    assert consent.get("aria-invalid") == "true" and not consent.has_attr("checked")
    assert soup.select_one(f'a[href="{ARTICLE}"]').text == "Zurück zum Artikel „Ein Beitrag“"
    assert "<b>zweite</b>" not in answer.text
    assert not intake.queue.entries()


def test_the_refused_form_can_be_sent_again_as_it_is(intake, valid_form):
    soup = page(intake.post(valid_form(consent="")))
    fields = {f["name"]: f.get("value", "") for f in soup.select("form.comment-form input[name]")}
    fields["body"] = soup.select_one('textarea[name="body"]').text
    fields["consent"] = "ja"  # the reader ticks the box
    assert intake.post(fields).status == 303


def test_too_many_posts_say_wait_not_correct(start_intake, valid_form):
    intake = start_intake(rate_limit=1)
    assert intake.post(valid_form()).status == 303
    answer = intake.post(valid_form(body="Noch ein Gedanke."))
    assert answer.status == 429
    soup = page(answer)
    assert_site_page(soup)
    assert soup.h1.text == "Bitte warten Sie einige Minuten"
    assert "10 Minuten" in soup.text and "korrigieren" not in soup.text
    assert soup.select_one('textarea[name="body"]').text == "Noch ein Gedanke."


def test_a_closed_article_keeps_the_text_to_copy_but_offers_no_form(intake, valid_form):
    answer = intake.post(valid_form(article="zu", body="Mein Text."))
    assert answer.status == 403
    soup = page(answer)
    assert_site_page(soup)
    assert soup.select_one("form.comment-form") is None
    assert soup.select_one("textarea[readonly]").text == "Mein Text."
    assert soup.select_one('a[href="../zu/"]')


@pytest.mark.parametrize(
    ("status", "changes"),
    [(404, {"article": "gibt-es-nicht"}), (413, {"body": "x" * 6000}), (400, {"author": ""})],
)
def test_every_refusal_is_a_site_page_with_a_way_back(intake, valid_form, status, changes):
    answer = intake.post(valid_form(**changes))
    assert answer.status == status
    soup = page(answer)
    assert_site_page(soup)
    back = soup.select_one("p.comment-answer-back a")
    assert back["href"] in (ARTICLE, "../")
    assert "Kommentar nicht angenommen" in soup.title.text


def test_json_answers_stay_as_they_are(intake, valid_form):
    answer = intake.post(valid_form(consent=""), json=True)
    assert answer.status == 400 and answer.headers["Content-Type"].startswith("application/json")
    assert json.loads(answer.body) == {
        "status": "error",
        "field": "consent",
        "message": "Bitte bestätigen Sie die Einwilligung zur Speicherung Ihrer Angaben.",
    }


def test_without_the_built_answer_page_the_answer_still_links_the_stylesheet_and_back(tmp_path):
    pages = AnswerPages(tmp_path / SHELL, "/kommentare/")
    answer = pages.render(429, "Zu viele.", None, {"body": "Text"}, {"url": "a/", "title": "A", "open": True})
    soup = BeautifulSoup(answer, "html.parser")
    assert soup.select_one('link[rel="stylesheet"]')["href"] == "../theme/css/site.css"
    assert soup.select_one('a[href="../a/"]') and soup.select_one("textarea").text == "Text"

"""The intake over real HTTP on 127.0.0.1: every answer DESIGN.md names, and what lands in the queue."""

from __future__ import annotations

import json
import socket
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

SLUG = "beitrag"


def test_accepted_post_redirects_to_the_article_with_the_notice(intake, valid_form, built_site):
    answer = intake.post(valid_form())
    assert answer.status == 303
    location = answer.headers["Location"]
    assert location == f"/{SLUG}/?kommentar=wartet#kommentar-wartet"
    page = (built_site / SLUG / "index.html").read_text(encoding="utf-8")
    assert 'id="kommentar-wartet"' in page and "wartet auf Freischaltung" in page
    [entry] = intake.queue.entries("pending")
    assert (entry.article, entry.author, entry.email) == (SLUG, "Jana Beispiel", "jana@example.org")


def test_json_clients_get_202_with_the_id(intake, valid_form):
    answer = intake.post(valid_form(), json=True)
    assert answer.status == 202
    data = json.loads(answer.body)
    assert data["status"] == "pending"
    assert intake.queue.get(data["id"]).status == "pending"


def test_posts_without_origin_or_referer_are_accepted_and_replies_too(intake, valid_form):
    answer = intake.post(valid_form(reply_to="c1"), json=True)
    assert answer.status == 202
    assert intake.queue.get(json.loads(answer.body)["id"]).reply_to == "c1"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent": None}, "consent"),
        ({"consent": ""}, "consent"),
        ({"author": ""}, "author"),
        ({"author": "x" * 101}, "author"),
        ({"email": ""}, "email"),
        ({"email": "kein-at-zeichen"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "ftp://example.org/"}, "url"),
        ({"url": "https://jana.example/mein blog"}, "url"),
        ({"url": 'https://jana.example/"onmouseover="x'}, "url"),
        ({"url": "https://jana.example/<script>"}, "url"),
        ({"url": "https://jana.example/a>b"}, "url"),
        ({"url": "https://jana:geheim@jana.example/"}, "url"),
        ({"url": "https://jana.example/\u202etxt"}, "url"),
        ({"author": "\u3164\u3164"}, "author"),
        ({"author": "\u115f\u1160 \U000e0041\u061c"}, "author"),
        ({"author": "\x9b\x9d\x1b"}, "author"),
        ({"body": "   "}, "body"),
        ({"reply_to": "gibt-es-nicht"}, "reply_to"),
        ({"reply_to": "../../etc/passwd"}, "reply_to"),
        ({"firma": "ACME GmbH"}, "firma"),
        ({"article": ""}, "article"),
    ],
)
def test_bad_input_is_400_naming_the_field(intake, valid_form, changes, field):
    answer = intake.post(valid_form(**changes), json=True)
    assert answer.status == 400
    data = json.loads(answer.body)
    assert data["field"] == field and data["message"]
    html = intake.post(valid_form(**changes))
    assert html.status == 400 and html.headers["Content-Type"].startswith("text/html")
    assert "Kommentar nicht angenommen" in html.text
    assert not intake.queue.entries()


@pytest.mark.parametrize("slug", ["gibt-es-nicht", "../../etc/passwd", "beitrag/../zu", "%2e%2e"])
def test_unknown_article_is_404(intake, valid_form, slug):
    assert intake.post(valid_form(article=slug)).status == 404
    assert not intake.queue.entries()


def test_closed_article_is_403(intake, valid_form):
    answer = intake.post(valid_form(article="zu"), json=True)
    assert answer.status == 403 and json.loads(answer.body)["field"] == "article"


def test_too_large_is_413(intake, valid_form):
    assert intake.post(valid_form(body="a" * 5001)).status == 413
    big = b"body=" + b"a" * 70000
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert intake.request("POST", "/kommentare/", big, headers).status == 413
    assert not intake.queue.entries()


def test_rate_limit_is_429_after_the_configured_number(start_intake, valid_form):
    limited = start_intake(rate_limit=2)
    for number in range(2):
        assert limited.post(valid_form(body=f"Kommentar {number}")).status == 303
    answer = limited.post(valid_form(body="Noch einer"))
    assert answer.status == 429 and "Retry-After" in answer.headers
    assert len(limited.queue.entries()) == 2


def test_many_links_are_held_as_spam_but_answered_alike(intake, valid_form):
    body = "Super! https://a.example https://b.example [c](https://c.example)"
    assert intake.post(valid_form(body=body)).status == 303
    [entry] = intake.queue.entries("spam")
    assert entry.reason == "3 Links" and not intake.queue.entries("pending")


def test_a_duplicate_is_stored_once(intake, valid_form):
    first = json.loads(intake.post(valid_form(), json=True).body)["id"]
    second = intake.post(valid_form(body="  Ein hilfreicher   Beitrag, danke!"), json=True)
    assert second.status == 202 and json.loads(second.body)["id"] == first
    assert len(intake.queue.entries()) == 1


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b'{"article": "beitrag"}', {"Content-Type": "application/json"}),
        (b"article=beitrag", {"Content-Type": "text/plain"}),
        (b"", {}),
        (b"article=beitrag&article=zu", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"article=beitrag&body=%ff%fe", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"article=beitrag&author=a%00b", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"\xff\xfe\x00garbage", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"a=1", {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": "nonsense"}),
    ],
)
def test_malformed_requests_are_4xx_never_500(intake, valid_form, body, headers):
    answer = intake.request("POST", "/kommentare/", body, headers)
    assert 400 <= answer.status < 500
    assert b"Traceback" not in answer.body
    assert not intake.queue.entries()


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("HTTPS://Jana.Example", "https://jana.example/"),
        ("  https://jana.example/über?q=ä  ", "https://jana.example/%C3%BCber?q=%C3%A4"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
    ],
)
def test_the_website_is_stored_normalised(intake, valid_form, given, stored):
    answer = intake.post(valid_form(url=given), json=True)
    assert answer.status == 202, answer.text
    assert intake.queue.get(json.loads(answer.body)["id"]).url == stored


def test_invisible_control_and_filler_characters_never_reach_the_queue(intake, valid_form):
    hidden = "\x9b31m\x9d\x9c\x1b[2J\u061c\u3164\U000e0041\U000e007f\u202e\u200b"
    answer = intake.post(valid_form(author=f"Eve{hidden} Muster", body=f"Zeile 1{hidden}\nZeile 2"), json=True)
    entry = intake.queue.get(json.loads(answer.body)["id"])
    assert (entry.author, entry.body) == ("Eve31m[2J Muster", "Zeile 131m[2J\nZeile 2")  # inert without ESC, CSI


def test_head_has_the_headers_of_get_and_no_body_so_the_next_answer_stays_in_step(intake):
    page = intake.request("GET", "/kommentare/").body
    with socket.create_connection((intake.host, intake.port), timeout=10) as connection:
        connection.sendall(
            b"HEAD /kommentare/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            b"GET /kommentare/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        raw = b"".join(iter(lambda: connection.recv(65536), b""))
    head, _, rest = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and f"Content-Length: {len(page)}".encode() in head
    assert rest.startswith(b"HTTP/1.1 200 OK\r\n") and rest.endswith(page)  # no body came between


def test_other_paths_and_methods(intake, valid_form):
    assert intake.request("GET", "/kommentare/").status == 200
    assert intake.request("PUT", "/kommentare/").status == 405
    assert intake.request("GET", "/etc/passwd").status == 404


def test_the_address_is_never_stored(intake, valid_form):
    intake.post(valid_form())
    dump = "\n".join(sqlite3.connect(intake.config.db_path).iterdump())
    assert "127.0.0.1" not in dump
    columns = [row[1] for row in sqlite3.connect(intake.config.db_path).execute("PRAGMA table_info(comments)")]
    assert not {"ip", "address", "remote_addr"} & set(columns)


def test_200_concurrent_posts_are_200_pending(intake, valid_form):
    def post(number: int) -> int:
        return intake.post(valid_form(body=f"Kommentar Nummer {number}", author=f"Leser {number}")).status

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(post, range(200)))
    assert statuses == [303] * 200
    entries = intake.queue.entries("pending")
    assert len(entries) == 200 and len({e.id for e in entries}) == 200


def test_the_intake_follows_output_when_a_build_flips_it_to_a_new_release(tmp_path):
    from comments.intake import Manifest, config_from_settings

    releases = [tmp_path / "output.releases" / name / "site" / "kommentare" for name in ("alt", "neu")]
    for folder, slug in zip(releases, ("alt", "neu"), strict=True):
        folder.mkdir(parents=True)
        manifest = {"site": "", "articles": {slug: {"url": f"{slug}/", "title": slug, "open": True, "comments": []}}}
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    output = tmp_path / "output"
    output.symlink_to(releases[0].parent)
    settings = {"COMMENTS": {}, "PATH": str(tmp_path / "content"), "OUTPUT_PATH": str(output)}
    manifest = Manifest(config_from_settings(settings, output).manifest_path)
    assert set(manifest.articles()) == {"alt"}
    flipped = tmp_path / "output.neu"
    flipped.symlink_to(releases[1].parent)
    flipped.replace(output)  # what every build and publish does
    assert set(manifest.articles()) == {"neu"}

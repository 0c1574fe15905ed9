"""One cleaning for what pages, feeds and terminals show, and one website check for the intake and the build."""

from __future__ import annotations

import pytest
from comments.cleaning import WebsiteError, check_website, clean_text, for_terminal
from comments.model import CommentFileError, parse_comment_file


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Eve\x1b[2J", "Eve[2J"),  # ESC
        ("Eve\x9b31m\x9d0;x\x9c", "Eve31m0;x"),  # C1 controls U+009B, U+009D, U+009C
        ("\u202eEve\u200b\u2066", "Eve"),  # bidi override, zero width, isolate
        ("Eve\u061c", "Eve"),  # Arabic letter mark
        ("\u3164", ""),  # Hangul filler: looks like a name, is none
        ("\u115f\u1160\uffa0\u2800", ""),
        ("Eve\U000e0041\U000e0042\U000e007f", "Eve"),  # tag characters
        ("Eve\u00ad", "Eve"),  # soft hyphen
        ("Jana\n  Beispiel\t", "Jana Beispiel"),  # one line
        ("Cafe\u0301", "Café"),  # NFC
    ],
)
def test_clean_text_drops_what_hides_reorders_or_controls(raw, clean):
    assert clean_text(raw) == clean


def test_multiline_text_keeps_lines_and_tabs_and_terminal_output_marks_empty_fields():
    assert clean_text("a\r\nb\u2028c\x85\td\x1b", multiline=True) == "a\nb\nc\td"
    assert for_terminal(None) == for_terminal("\u3164") == "–"
    assert for_terminal("Zeile 1\nZeile 2\x9b", multiline=True) == "Zeile 1\nZeile 2"


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("https://jana.example/", "https://jana.example/"),
        ("HTTPS://Jana.Example", "https://jana.example/"),
        (" https://jana.example/über?q=ä#teil ", "https://jana.example/%C3%BCber?q=%C3%A4#teil"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("https://example.org/?q=%22x%22", "https://example.org/?q=%22x%22"),
    ],
)
def test_a_website_is_normalised_and_stays_so(given, normalised):
    assert check_website(given) == normalised == check_website(normalised)


@pytest.mark.parametrize(
    "refused",
    [
        "https://jana.example/mein blog",
        'https://jana.example/"x',
        "https://jana.example/<b>",
        "https://jana.example/a>",
        "https://jana.example/a\\b",
        "https://jana.example/a`b",
        "https://jana:geheim@jana.example/",
        "https://jana.example:99999/",
        "https://jana_beispiel.example/",
        "javascript:alert(1)",
        "ftp://jana.example/",
        "https://",
        "https://jana.example/\u202e",
        "https://jana.example/" + "a" * 300,
    ],
)
def test_a_website_the_page_or_feed_could_not_carry_is_refused(refused):
    with pytest.raises(WebsiteError):
        check_website(refused)


def test_the_build_refuses_the_addresses_the_intake_refuses_and_reads_the_normal_form(tmp_path):
    path = tmp_path / "c1.md"
    path.write_text('Author: Eve\nDate: 2024-03-06 10:00\nUrl: https://eve.example/"x\n\nText\n', encoding="utf-8")
    with pytest.raises(CommentFileError, match=r"c1\.md: Url"):
        parse_comment_file(path, "Europe/Berlin")
    path.write_text("Author: Eve\nDate: 2024-03-06 10:00\nUrl: HTTPS://Eve.Example\n\nText\n", encoding="utf-8")
    assert parse_comment_file(path, "Europe/Berlin").website == "https://eve.example/"

"""A feed setting that makes no sense stops Pelican at start-up with a message that says what to fix."""

from __future__ import annotations

import pytest
from feeds import DEFAULTS, FeedSettingsError
from feeds.options import read_options
from helpers import ROOT, run_pelican_cli, write_files
from pelican.settings import read_settings

GOOD = {"ABSOLUTE_SITEURL": "https://www.example.de", "TIMEZONE": "Europe/Berlin", "FEED_MAX_ITEMS": 20}


def test_defaults_keep_the_urls_subscribers_already_use():
    options = read_options({**GOOD, "FEEDS": {}})
    assert options.paths["site_atom"] == "feeds/alle.atom.xml"
    assert options.paths["site_rss"] == "feeds/alle.rss.xml"
    assert options.paths["category_atom"] == "feeds/kategorie/{slug}.atom.xml"
    assert options.id_authority == "www.example.de"
    assert options.site_url == "https://www.example.de"
    assert set(DEFAULTS) >= {"summary_only", "id_authority", "subscribe_page"}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"FEEDS": {"sumary_only": True}}, "did you mean 'summary_only'"),
        ({"FEEDS": ["site_atom"]}, "FEEDS must be a dict"),
        ({"FEEDS": {"category_atom": "feeds/kategorie.atom.xml"}}, "needs exactly one '{slug}'"),
        ({"FEEDS": {"site_atom": "feeds/{slug}.atom.xml"}}, "takes no placeholder"),
        ({"FEEDS": {"site_rss": "feeds/alle.atom.xml"}}, "must end with '.rss.xml'"),
        ({"FEEDS": {"site_atom": "/srv/feeds/alle.atom.xml"}}, "inside the output directory"),
        ({"FEEDS": {"site_atom": "../alle.atom.xml"}}, "inside the output directory"),
        ({"FEEDS": {"comments_atom": "feeds/alle.atom.xml"}}, "both write 'feeds/alle.atom.xml'"),
        ({"FEEDS": {"summary_only": "nein"}}, "must be True or False"),
        ({"FEEDS": {"id_authority": "https://www.example.de/"}}, "must be a domain name"),
        ({"FEEDS": {"subscribe_page": "/abonnieren"}}, "ending in '/'"),
        ({"FEED_MAX_ITEMS": 0}, "FEED_MAX_ITEMS must be a whole number"),
        ({"ABSOLUTE_SITEURL": "", "SITEURL": ""}, "feeds need an absolute site address"),
        ({"ABSOLUTE_SITEURL": "/blog"}, "feeds need an absolute site address"),
    ],
)
def test_nonsense_is_refused_with_a_clear_message(settings, message):
    with pytest.raises(FeedSettingsError, match=r"^feeds: ") as raised:
        read_options({**GOOD, **settings})
    assert message in str(raised.value)


def test_pelican_refuses_to_start_with_a_bad_setting(tmp_path):
    content = write_files(tmp_path / "content", {"articles/a.md": "Title: A\nDate: 2024-01-01\nCategory: X\n\nText.\n"})
    result = run_pelican_cli(content, tmp_path / "out", "-e", 'FEEDS={"tag_atom": "feeds/tags.atom.xml"}')
    assert result.returncode != 0
    assert "FEEDS['tag_atom']" in result.stdout + result.stderr
    assert not (tmp_path / "out" / "index.html").exists()


def test_pelicans_own_feed_writer_is_off():
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    assert "feeds" in settings["PLUGINS"]
    for name in ("FEED_ALL_ATOM", "FEED_ALL_RSS", "CATEGORY_FEED_ATOM", "TAG_FEED_ATOM", "AUTHOR_FEED_ATOM"):
        assert settings[name] is None, name

"""The theme's Jinja filters: German dates independent of the system locale, reading time, JSON-LD."""

from datetime import UTC, date, datetime

from theme.filters import (
    asset_url,
    credit_text,
    german_date,
    german_datetime,
    iso_datetime,
    json_ld,
    pretty_url,
    reading_minutes,
    time_attribute,
)


def test_german_datetime_spells_months_in_german():
    assert german_datetime(datetime(2013, 3, 5, 9, 5)) == "5. März 2013, 09:05 Uhr"
    assert german_datetime(datetime(2013, 12, 29, 23, 59)) == "29. Dezember 2013, 23:59 Uhr"


def test_aware_datetimes_are_shown_in_the_zone_given():
    berlin = "Europe/Berlin"
    assert german_datetime(datetime(2013, 11, 29, 11, 56, tzinfo=UTC), berlin) == "29. November 2013, 12:56 Uhr"
    assert iso_datetime(datetime(2013, 7, 1, 10, 0, tzinfo=UTC), berlin) == "2013-07-01T12:00:00+02:00"
    assert german_datetime(datetime(2013, 11, 29, 11, 56, tzinfo=UTC)) == "29. November 2013, 11:56 Uhr"  # as given


def test_german_date_accepts_dates_and_datetimes():
    assert german_date(date(2014, 3, 1)) == "1. März 2014"
    assert german_date(datetime(2013, 12, 31, 23, 30, tzinfo=UTC), "Europe/Berlin") == "1. Januar 2014"


def test_reading_minutes_counts_words_not_markup():
    assert reading_minutes("<p>" + "Wort " * 200 + "</p>") == 1
    assert reading_minutes("<p>" + "Wort " * 201 + "</p>") == 2
    assert reading_minutes('<img alt="x" src="' + "a" * 5000 + '">') == 1


def test_json_ld_cannot_close_its_script_element():
    text = json_ld({"headline": "</script><script>alert(1)</script> & mehr"})
    assert "</script>" not in text
    assert "\\u003c/script\\u003e" in text


def test_asset_url_joins_metadata_paths_and_keeps_full_urls():
    assert asset_url("images/a.svg", "..") == "../images/a.svg"
    assert asset_url("{static}/images/a.svg", "..") == "../images/a.svg"
    assert asset_url("https://example.org/a.png", "..") == "https://example.org/a.png"


def test_pretty_url_points_at_directories():
    assert pretty_url("index.html") == ""
    assert pretty_url("seite/2/index.html") == "seite/2/"
    assert pretty_url("ueber/") == "ueber/"


def test_a_date_without_time_is_shown_without_midnight():
    assert german_datetime(datetime(2024, 3, 5)) == "5. März 2024"
    assert time_attribute(datetime(2024, 3, 5)) == "2024-03-05"
    assert german_datetime(datetime(2024, 3, 4, 23, 0, tzinfo=UTC), "Europe/Berlin") == "5. März 2024"
    assert time_attribute(datetime(2024, 3, 5, 0, 1), "Europe/Berlin") == "2024-03-05T00:01:00+01:00"


def test_credit_text_drops_the_authors_own_label():
    assert credit_text("Grafik: Katrin Albrecht, eigene Darstellung") == "Katrin Albrecht, eigene Darstellung"
    assert credit_text("Bildnachweis: Foto: Max Muster") == "Foto: Max Muster"
    assert credit_text("Max Muster / Agentur") == "Max Muster / Agentur"


def test_the_theme_shows_dates_in_the_sites_timezone(make_site):
    site = make_site(
        {"articles/a.md": "Title: Spät\nDate: 2024-03-05 23:30\nCategory: Praxis\n\nText.\n"}, TIMEZONE="UTC"
    )
    stamp = site.html("spaet/index.html").select_one("article time")
    assert stamp.get_text() == "5. März 2024, 23:30 Uhr"  # in Berlin it would be 6 March, 00:30
    assert stamp["datetime"] == "2024-03-05T23:30:00+00:00"


def test_called_from_python_the_zone_is_an_argument():
    assert german_datetime(datetime(2013, 11, 29, 11, 56, tzinfo=UTC), "America/New_York") == (
        "29. November 2013, 06:56 Uhr"
    )

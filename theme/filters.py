"""Jinja filters of the theme: German dates (Babel, no system locale needed), reading time, JSON-LD.

Pelican reads them through ``JINJA_FILTERS`` in pelicanconf.py, so the theme works with or
without any plugin enabled.
"""

import json
import math
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import get_month_names
from markupsafe import Markup

LOCALE = "de_DE"
BERLIN = ZoneInfo("Europe/Berlin")
TAG_RE = re.compile(r"<[^>]+>")
# Month names from Babel's CLDR data, read once: formatting stays fast on every list page.
MONTHS = get_month_names("wide", locale=LOCALE)
LINK_PREFIX_RE = re.compile(r"\A(?:\{(?:static|attach|filename)\}|\|(?:static|attach|filename)\|)?/*")
ABSOLUTE_URL_RE = re.compile(r"\A(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
# A label an author may put before an image credit; the theme writes "Bildnachweis:" itself.
CREDIT_LABEL_RE = re.compile(
    r"\A\s*(?:Bildnachweis|Bildquelle|Quelle|Grafik|Foto|Bild|Illustration)\s*:\s*", re.IGNORECASE
)


def _in_berlin(value: datetime) -> datetime:
    """Return an aware datetime in Berlin time (naive values are taken as Berlin time)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=BERLIN)
    return value.astimezone(BERLIN)


def german_date(value: date | datetime) -> str:
    """Format like "5. März 2013"."""
    if isinstance(value, datetime):
        value = _in_berlin(value).date()
    return f"{value.day}. {MONTHS[value.month]} {value.year}"


def has_time(value: datetime) -> bool:
    """Whether a time of day was given: Pelican reads "Date: 2024-03-05" as midnight, Berlin time."""
    return _in_berlin(value).time() != time(0, 0)


def german_datetime(value: datetime) -> str:
    """Format like "5. März 2013, 09:05 Uhr", or only "5. März 2013" when no time was given."""
    value = _in_berlin(value)
    if not has_time(value):
        return german_date(value)
    return f"{german_date(value)}, {value:%H:%M} Uhr"


def time_attribute(value: datetime) -> str:
    """Value of <time datetime>: the date alone when no time was given, else ISO 8601 with offset."""
    value = _in_berlin(value)
    return iso_datetime(value) if has_time(value) else value.date().isoformat()


def iso_datetime(value: datetime) -> str:
    """Format as ISO 8601 with the Berlin offset, for <time datetime> and metadata."""
    return _in_berlin(value).isoformat(timespec="seconds")


def reading_minutes(html: str, words_per_minute: int = 200) -> int:
    """Estimate the reading time of rendered HTML in whole minutes (at least 1)."""
    words = len(TAG_RE.sub(" ", html or "").split())
    return max(1, math.ceil(words / words_per_minute))


def json_ld(data: dict) -> Markup:
    """Serialise data for a <script type="application/ld+json"> block, safe against "</script>"."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def asset_url(path: str, base: str) -> str:
    """Join a metadata path like "images/a.jpg" or "{static}/images/a.jpg" to base; keep full URLs."""
    if ABSOLUTE_URL_RE.match(path):
        return path
    return f"{base}/{LINK_PREFIX_RE.sub('', path)}"


def credit_text(credit: str) -> str:
    """An image credit without its own leading label ("Grafik: A. B." -> "A. B."), for "Bildnachweis: …"."""
    return CREDIT_LABEL_RE.sub("", credit, count=1).strip()


def pretty_url(url: str) -> str:
    """Drop a trailing "index.html" so links point at the directory ("" for the home page)."""
    return url[: -len("index.html")] if url.endswith("index.html") else url


JINJA_FILTERS = {
    "german_date": german_date,
    "german_datetime": german_datetime,
    "iso_datetime": iso_datetime,
    "time_attribute": time_attribute,
    "credit_text": credit_text,
    "reading_minutes": reading_minutes,
    "json_ld": json_ld,
    "asset_url": asset_url,
    "pretty_url": pretty_url,
}

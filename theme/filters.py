"""Jinja filters of the theme: German dates (Babel, no system locale needed), reading time, JSON-LD.

Pelican reads them through ``JINJA_FILTERS`` in pelicanconf.py, so the theme works with or
without any plugin enabled. The date filters show times in the site's ``TIMEZONE`` (read from the
template context); called from Python they take the zone as an argument (None: as given).
"""

import json
import math
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import get_month_names
from jinja2 import pass_context
from markupsafe import Markup

from plugins.pluginkit.kit import lead_image

LOCALE = "de_DE"
TAG_RE = re.compile(r"<[^>]+>")
# Month names from Babel's CLDR data, read once: formatting stays fast on every list page.
MONTHS = get_month_names("wide", locale=LOCALE)
# A label an author may put before an image credit; the theme writes "Bildnachweis:" itself.
CREDIT_LABEL_RE = re.compile(
    r"\A\s*(?:Bildnachweis|Bildquelle|Quelle|Grafik|Foto|Bild|Illustration)\s*:\s*", re.IGNORECASE
)


def in_zone(value: datetime, timezone: str | None = None) -> datetime:
    """The datetime in the zone named timezone (naive values are taken as its local time); None keeps it."""
    if timezone is None:
        return value
    zone = ZoneInfo(timezone)
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value.astimezone(zone)


def german_date(value: date | datetime, timezone: str | None = None) -> str:
    """Format like "5. März 2013"."""
    if isinstance(value, datetime):
        value = in_zone(value, timezone).date()
    return f"{value.day}. {MONTHS[value.month]} {value.year}"


def has_time(value: datetime, timezone: str | None = None) -> bool:
    """Whether a time of day was given: Pelican reads "Date: 2024-03-05" as midnight, local time."""
    return in_zone(value, timezone).time() != time(0, 0)


def german_datetime(value: datetime, timezone: str | None = None) -> str:
    """Format like "5. März 2013, 09:05 Uhr", or only "5. März 2013" when no time was given."""
    value = in_zone(value, timezone)
    if not has_time(value, timezone):
        return german_date(value, timezone)
    return f"{german_date(value, timezone)}, {value:%H:%M} Uhr"


def time_attribute(value: datetime, timezone: str | None = None) -> str:
    """Value of <time datetime>: the date alone when no time was given, else ISO 8601 with offset."""
    value = in_zone(value, timezone)
    return iso_datetime(value, timezone) if has_time(value, timezone) else value.date().isoformat()


def iso_datetime(value: datetime, timezone: str | None = None) -> str:
    """Format as ISO 8601 with the site's offset, for <time datetime> and metadata."""
    return in_zone(value, timezone).isoformat(timespec="seconds")


# The filter forms of the date functions: the zone comes from the site's TIMEZONE setting. Module-level
# functions, not closures: Pelican pickles the settings (JINJA_FILTERS included) for its cache.
@pass_context
def german_date_filter(context, value: date | datetime) -> str:
    """german_date in the site's TIMEZONE."""
    return german_date(value, context.get("TIMEZONE"))


@pass_context
def german_datetime_filter(context, value: datetime) -> str:
    """german_datetime in the site's TIMEZONE."""
    return german_datetime(value, context.get("TIMEZONE"))


@pass_context
def iso_datetime_filter(context, value: datetime) -> str:
    """iso_datetime in the site's TIMEZONE."""
    return iso_datetime(value, context.get("TIMEZONE"))


@pass_context
def time_attribute_filter(context, value: datetime) -> str:
    """time_attribute in the site's TIMEZONE."""
    return time_attribute(value, context.get("TIMEZONE"))


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
    relative = lead_image(path)  # the one parser of Image: values, shared with the plugins
    return path if relative is None else f"{base}/{relative}"


def credit_text(credit: str) -> str:
    """An image credit without its own leading label ("Grafik: A. B." -> "A. B."), for "Bildnachweis: …"."""
    return CREDIT_LABEL_RE.sub("", credit, count=1).strip()


def pretty_url(url: str) -> str:
    """Drop a trailing "index.html" so links point at the directory ("" for the home page)."""
    return url[: -len("index.html")] if url.endswith("index.html") else url


JINJA_FILTERS = {
    "german_date": german_date_filter,
    "german_datetime": german_datetime_filter,
    "iso_datetime": iso_datetime_filter,
    "time_attribute": time_attribute_filter,
    "credit_text": credit_text,
    "reading_minutes": reading_minutes,
    "json_ld": json_ld,
    "asset_url": asset_url,
    "pretty_url": pretty_url,
}

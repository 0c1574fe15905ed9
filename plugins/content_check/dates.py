"""Dates as German authors write them: 05.03.2024 and 5.3.2024 9:05 are read day first."""

from __future__ import annotations

import re

from pelican.utils import SafeDatetime, get_date

GERMAN_DATE_RE = re.compile(
    r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})"
    r"(?:,?\s+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\s*Uhr)?)?"
)
# The German form with a two-digit year (3.12.26): the year is what cannot be read safely.
SHORT_YEAR_RE = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{2})(?:\D.*)?")
# Day and month first, but not in the German form above (5/3/2024): no safe reading.
AMBIGUOUS_RE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]")
EXAMPLES = "„2024-03-05 09:05“ oder „05.03.2024 09:05“"


class DateError(ValueError):
    """A date that cannot be read without guessing; the message says how to write it."""


def parse_date(text: str) -> SafeDatetime:
    """Read a metadata date: German day-first forms here, everything else as Pelican does."""
    value = " ".join(text.replace("_", " ").split())
    german = GERMAN_DATE_RE.fullmatch(value)
    if german:
        parts = {key: int(number) for key, number in german.groupdict(default="0").items()}
        try:
            return SafeDatetime(**parts)
        except ValueError:
            raise DateError(f"„{text}“ gibt es nicht im Kalender; schreiben Sie z. B. {EXAMPLES}") from None
    short = SHORT_YEAR_RE.fullmatch(value)
    if short:
        example = f"{int(short['day']):02d}.{int(short['month']):02d}.20{short['year']}"
        raise DateError(
            f"„{text}“ hat eine zweistellige Jahreszahl (19{short['year']} oder 20{short['year']}?); "
            f"schreiben Sie das Jahr vierstellig, z. B. „{example}“"
        )
    if AMBIGUOUS_RE.match(value):
        raise DateError(f"„{text}“ lässt sich nicht sicher lesen (Tag oder Monat?); schreiben Sie z. B. {EXAMPLES}")
    try:
        return get_date(value)
    except ValueError:
        raise DateError(f"„{text}“ ist kein Datum; schreiben Sie z. B. {EXAMPLES}") from None

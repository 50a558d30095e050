"""UTC timestamps as the text every node and answer holds: `YYYY-MM-DDTHH:MM:SS.mmmZ`.

The fixed width makes the text sort as the instants do, so Cypher compares it directly: the
year has four digits from 0001 to 9999 (ISO 8601). `datetime.isoformat` pads it; `strftime`'s
`%Y` (and an f-string's `{:%Y}`) does not on Linux (`999-01-01`), so neither is used for one.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_millis(moment: datetime) -> str:
    """An aware datetime as UTC text with milliseconds; a naive one is refused (ValueError)."""
    if moment.tzinfo is None:
        raise ValueError("has no time zone offset")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:23] + "Z"


def utc_millis_of_text(value: str) -> str:
    """An ISO 8601 date-time with an offset → UTC text with milliseconds (ValueError if it
    does not parse or has no offset)."""
    return utc_millis(datetime.fromisoformat(value))


def now_utc() -> str:
    """The current time as UTC text with milliseconds."""
    return utc_millis(datetime.now(UTC))

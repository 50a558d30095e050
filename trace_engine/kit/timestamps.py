"""UTC timestamps as the text every node and answer holds: `YYYY-MM-DDTHH:MM:SS.mmmZ`.

The fixed width makes the text sort as the instants do, so Cypher compares it directly.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_millis(moment: datetime) -> str:
    """An aware datetime as UTC text with milliseconds; a naive one is refused (ValueError)."""
    if moment.tzinfo is None:
        raise ValueError("has no time zone offset")
    moment = moment.astimezone(UTC)
    if moment.year >= 1000:  # isoformat is C and quick; it pads a year below 1000, strftime not
        return moment.isoformat(timespec="milliseconds")[:23] + "Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def utc_millis_of_text(value: str) -> str:
    """An ISO 8601 date-time with an offset → UTC text with milliseconds (ValueError if it
    does not parse or has no offset)."""
    return utc_millis(datetime.fromisoformat(value))


def now_utc() -> str:
    """The current time as UTC text with milliseconds."""
    return utc_millis(datetime.now(UTC))

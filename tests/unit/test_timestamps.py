"""Every path that writes a time writes `YYYY-MM-DDTHH:MM:SS.mmmZ` with a four-digit year, for
the whole calendar stored (years 0001-9999), so that the text sorts as the instants do.

`strftime`'s `%Y` writes a year below 1000 without its zeros on Linux ("999-01-01T…"), which
sorted after "2024-…" and is not ISO 8601. Covered: the kit's `utc_millis` (keys, payloads,
watches, trace `since`/`until`), the EPCIS parser's (capture, `load`, `load --initial`: every
eventTime stored), the 1.2 → 2.0 rewrite of `24:00:00`, and the EPCIS query's time parameters.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from trace_engine.epcis.normalise import time_20
from trace_engine.epcis.normalise import utc_millis as epcis_utc_millis
from trace_engine.epcis_query.params import utc_time
from trace_engine.kit.timestamps import utc_millis, utc_millis_of_text

STORED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
moments = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


def _offset_text(moment: datetime) -> str:
    return moment.isoformat()[-6:]


def _truncated(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@given(moments, offsets)
def test_the_kit_writes_four_digit_years_that_read_back_as_the_instant(
    moment: datetime, zone: timezone
) -> None:
    local = moment.astimezone(zone)
    text = utc_millis(local)
    assert STORED.fullmatch(text), text
    assert datetime.fromisoformat(text) == _truncated(moment)
    assert utc_millis_of_text(local.isoformat()) == text


@given(moments, moments)
def test_the_text_sorts_as_the_instants_do(first: datetime, second: datetime) -> None:
    a, b = _truncated(first), _truncated(second)
    assert (utc_millis(a) < utc_millis(b)) == (a < b)
    assert (utc_millis(a) == utc_millis(b)) == (a == b)


@given(moments, offsets, st.sampled_from(["", ".5", ".123", ".123456789"]))
def test_an_event_time_in_any_year_is_stored_with_four_digits(
    moment: datetime, zone: timezone, fraction: str
) -> None:
    local = moment.astimezone(zone).replace(microsecond=0)
    sent = f"{local.year:04d}{local.isoformat()[4:19]}{fraction}{_offset_text(local)}"
    text = epcis_utc_millis(sent)
    assert STORED.fullmatch(text), (sent, text)
    want = local.replace(microsecond=int((fraction[1:] + "000000")[:6] or 0)).astimezone(UTC)
    assert datetime.fromisoformat(text) == _truncated(want)
    # an EPCIS query parameter naming that instant is the same text
    assert utc_time("GE_eventTime", sent.replace("Z", "+00:00")) == text


@given(st.dates(min_value=datetime(1, 1, 1).date(), max_value=datetime(9999, 12, 30).date()))
def test_the_end_of_a_day_in_any_year_becomes_the_next_day_in_four_digits(day: object) -> None:
    text = time_20(f"{day.isoformat()}T24:00:00Z", None)  # type: ignore[attr-defined]
    following = day + timedelta(days=1)  # type: ignore[operator]
    assert text == f"{following.isoformat()}T00:00:00Z"
    assert epcis_utc_millis(text) == f"{following.isoformat()}T00:00:00.000Z"

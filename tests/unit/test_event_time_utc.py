"""eventTime → UTC text: the arithmetic path of the common form agrees with the general one."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trace_engine.epcis import normalise


def _general(value: str) -> str:
    try:
        return normalise._general_utc_millis(value, None)
    except ValueError as exc:
        return f"ValueError: {exc}"


def _utc(value: str) -> str:
    try:
        return normalise.utc_millis(value)
    except ValueError as exc:
        return f"ValueError: {exc}"


@pytest.mark.parametrize(
    "value",
    [
        "2024-04-04T21:42:52.000Z",
        "2024-04-04T21:42:52Z",
        "2024-04-04T01:42:52.1234+05:00",  # back a day, digits past the millisecond dropped
        "2024-12-31T23:59:59.9-01:00",  # into the next year
        "2024-03-01T00:30:00+14:00",  # back over a leap day
        "2024-03-01T23:30:00-14:00",
        "9999-12-31T23:59:59.9-01:00",  # past the last year stored
        "1000-01-01T00:00:00+01:00",  # into a year below 1000 (formatted apart)
        "0999-05-01T00:00:00Z",
        "2023-02-29T10:00:00Z",  # no such day
        "2024-13-01T10:00:00Z",
        "2024-01-01T24:00:00Z",  # the end of the day
        "2024-01-01T24:00:01Z",
        "2024-01-01T23:60:00Z",
        "2024-01-01T23:00:60Z",
        "2024-01-01T10:00:00+14:01",  # offsets past ±14:00
        "2024-01-01T10:00:00-15:00",
        "2024-01-01T10:00:00+05:60",
        "2024-01-01t10:00:00z",  # lower case: the general path
        " 2024-01-01T10:00:00Z ",
        "2024-01-01T10:00:00Z\n",
        "2024-01-01T10:00:00",  # no offset
        "2024-01-01T10:00:00.Z",
    ],
)
def test_edges_agree(value: str) -> None:
    assert _utc(value) == _general(value)


@given(
    moment=st.datetimes(),
    fraction=st.text("0123456789", max_size=9),
    zone=st.one_of(
        st.just("Z"),
        st.builds(
            lambda sign, h, m: f"{sign}{h:02d}:{m:02d}",
            st.sampled_from("+-"),
            st.integers(0, 15),
            st.integers(0, 59),
        ),
    ),
)
def test_any_time_agrees(moment: datetime, fraction: str, zone: str) -> None:
    value = (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
        + (f".{fraction}" if fraction else "")
        + zone
    )
    assert _utc(value) == _general(value)

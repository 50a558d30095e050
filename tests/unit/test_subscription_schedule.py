"""Query schedules: the grammar of query-schedule.json (lists, ranges, steps), each refusal
naming its field, and the next run time, checked against a brute-force scan of the seconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trace_engine.errors import InvalidSubscription
from trace_engine.subscriptions.schedule import FIELDS, parse

T0 = datetime(2026, 11, 29, 18, 30, 15, tzinfo=UTC)  # a Sunday


def _matches(schedule: Any, moment: datetime) -> bool:
    return (
        moment.second in schedule.second
        and moment.minute in schedule.minute
        and moment.hour in schedule.hour
        and moment.day in schedule.day_of_month
        and moment.month in schedule.month
        and moment.isoweekday() in schedule.day_of_week
    )


def test_lists_ranges_and_steps_give_the_values_they_say() -> None:
    found = parse({"second": "0,[10-12],30", "minute": "0/15", "hour": "[8-17]/3", "month": "*"})
    assert found.second == {0, 10, 11, 12, 30}
    assert found.minute == {0, 15, 30, 45}
    assert found.hour == {8, 11, 14, 17}
    assert found.month == set(range(1, 13))
    assert found.day_of_week == set(range(1, 8))  # omitted: every value
    assert parse({"second": 5}).second == {5}  # an integer reads as its decimal text
    assert parse({"hour": "1", "minute": "5"}).fields == {"hour": "1", "minute": "5"}


@pytest.mark.parametrize(
    ("schedule", "field"),
    [
        ({"second": "60"}, "schedule.second"),
        ({"minute": "[30-10]"}, "schedule.minute"),
        ({"hour": "24"}, "schedule.hour"),
        ({"dayOfMonth": "0"}, "schedule.dayOfMonth"),
        ({"month": "13"}, "schedule.month"),
        ({"dayOfWeek": "[0-6]"}, "schedule.dayOfWeek"),
        ({"second": "every"}, "schedule.second"),
        ({"second": "1,,2"}, "schedule.second"),
        ({"second": ""}, "schedule.second"),
        ({"minute": "0/0"}, "schedule.minute"),
        ({"second": True}, "schedule.second"),
        ({"hour": ["1"]}, "schedule.hour"),
        ({"seconds": "0"}, "schedule.seconds"),
        ({"dayOfMonth": "31", "month": "2,4"}, "schedule.dayOfMonth"),
        ("hourly", "schedule"),
    ],
)
def test_each_refusal_names_the_field(schedule: Any, field: str) -> None:
    with pytest.raises(InvalidSubscription) as refused:
        parse(schedule)
    assert refused.value.field == field


def test_next_run_times() -> None:
    every_second = parse({})
    assert every_second.next_after(T0) == T0 + timedelta(seconds=1)
    assert every_second.next_after(T0 + timedelta(microseconds=500)) == T0 + timedelta(seconds=1)
    daily = parse({"hour": "1", "minute": "5", "second": "0"})
    assert daily.next_after(T0) == datetime(2026, 11, 30, 1, 5, 0, tzinfo=UTC)
    weekdays = parse({"second": "0", "minute": "0", "dayOfWeek": "[1-5]"})
    assert weekdays.next_after(T0) == datetime(2026, 11, 30, 0, 0, 0, tzinfo=UTC)  # Monday
    leap = parse({"dayOfMonth": "29", "month": "2", "hour": "0", "minute": "0", "second": "0"})
    assert leap.next_after(T0) == datetime(2028, 2, 29, tzinfo=UTC)
    # both day fields must match (the standard's rule): Friday the 13th
    friday_13 = parse({"dayOfMonth": "13", "dayOfWeek": "5", "hour": "0", "minute": "0",
                       "second": "0"})  # fmt: skip
    assert friday_13.next_after(T0) == datetime(2027, 8, 13, tzinfo=UTC)


_field_text = st.one_of(
    st.integers(0, 59).map(str),
    st.tuples(st.integers(0, 30), st.integers(0, 29)).map(lambda p: f"[{p[0]}-{p[0] + p[1]}]"),
    st.tuples(st.integers(0, 10), st.integers(1, 20)).map(lambda p: f"{p[0]}/{p[1]}"),
)


@settings(max_examples=60, deadline=None)
@given(
    second=st.lists(_field_text, min_size=1, max_size=3).map(",".join),
    minute=st.lists(_field_text, min_size=1, max_size=3).map(",".join),
    start=st.integers(0, 86_400 * 3),
)
def test_the_next_run_is_the_first_matching_second(second: str, minute: str, start: int) -> None:
    schedule = parse({"second": second, "minute": minute})
    moment = T0 + timedelta(seconds=start, milliseconds=250)
    found = schedule.next_after(moment)
    assert found is not None and found > moment and _matches(schedule, found)
    probe = moment.replace(microsecond=0) + timedelta(seconds=1)
    while probe < found:  # no earlier second matches
        assert not _matches(schedule, probe), probe
        probe += timedelta(seconds=1)


def test_fields_are_the_bindings() -> None:
    assert list(FIELDS) == ["second", "minute", "hour", "dayOfMonth", "month", "dayOfWeek"]

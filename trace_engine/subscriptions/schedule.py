"""Query schedules (pure): parse the bindings' `schedule` object and find its next run time.

The fields and their grammar are EPCIS's QuerySchedule (`query-schedule.json`, EPCIS 1.2
§8.2.5.3, kept by EPCIS 2.0): `second` 0–59, `minute` 0–59, `hour` 0–23, `dayOfMonth` 1–31,
`month` 1–12, `dayOfWeek` 1–7 (1 = Monday … 7 = Sunday). Each is a string of comma-separated
elements, an element a number or a range `[low-high]`; a time matches when every given field
matches (an omitted field matches every value, so `{}` runs every second and `{"hour": "2"}`
every second of 2 am: give the finer fields too). `dayOfMonth` and `dayOfWeek` must both
match when both are given (the standard's rule, not cron's "either"). Times are UTC.

`query-schedule.json`'s own patterns cannot be used as they stand (they are Ruby `\\g<…>`
subroutines, and `[0-59]` is a character class for 0–5 and 9), so the grammar is parsed here.
Beyond the grammar, a step is accepted as cron and the bindings' own example (`"0/30"`) write
it: `N/S` (N, N+S, … up to the field's maximum), `[a-b]/S`, and `*` or `*/S` for the whole
range. An integer is read as its decimal string.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from trace_engine.errors import InvalidSubscription

FIELDS: dict[str, tuple[int, int]] = {
    "second": (0, 59),
    "minute": (0, 59),
    "hour": (0, 23),
    "dayOfMonth": (1, 31),
    "month": (1, 12),
    "dayOfWeek": (1, 7),
}
_ELEMENT = re.compile(r"^(?:(\d+)|\[(\d+)-(\d+)\]|(\*))(?:/(\d+))?$")
_FORMS = "a number, [low-high], a comma-separated list of them, or N/step"
# the longest wait for a possible (month, day) and weekday: Feb 29 on a given weekday recurs
# within 28 years in the Gregorian calendar's 400-year cycle, so scanning that far suffices
_HORIZON_DAYS = 366 * 29


def _values(name: str, text: str) -> frozenset[int]:
    low_limit, high_limit = FIELDS[name]
    where = f"schedule.{name}"
    if not text.strip():
        raise InvalidSubscription(where, f"is empty; give {_FORMS}")
    values: set[int] = set()
    for element in text.split(","):
        match = _ELEMENT.match(element.strip())
        if match is None:
            raise InvalidSubscription(where, f"{element!r} is not {_FORMS}")
        number, low_text, high_text, star, step_text = match.groups()
        if star:
            low, high = low_limit, high_limit
        elif number is not None:
            low = int(number)
            high = high_limit if step_text else low
        else:
            low, high = int(low_text), int(high_text)
            if low > high:
                raise InvalidSubscription(where, f"{element!r}: the low end is above the high")
        for bound in (low, high):
            if not low_limit <= bound <= high_limit:
                raise InvalidSubscription(
                    where, f"{bound} is outside {low_limit}–{high_limit} in {element!r}"
                )
        step = int(step_text) if step_text else 1
        if step < 1:
            raise InvalidSubscription(where, f"{element!r}: the step must be at least 1")
        values.update(range(low, high + 1, step))
    return frozenset(values)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A parsed schedule: the allowed values of each field (all values when omitted)."""

    fields: dict[str, str]  # as given, normalised to strings (what GET shows)
    second: frozenset[int]
    minute: frozenset[int]
    hour: frozenset[int]
    day_of_month: frozenset[int]
    month: frozenset[int]
    day_of_week: frozenset[int]

    def _day_matches(self, day: date) -> bool:
        return (
            day.month in self.month
            and day.day in self.day_of_month
            and day.isoweekday() in self.day_of_week
        )

    def _first_time(self, after: time | None) -> time | None:
        """The first matching time of day strictly after `after` (None: from midnight)."""
        for h in sorted(self.hour):
            if after is not None and h < after.hour:
                continue
            for m in sorted(self.minute):
                if after is not None and (h, m) < (after.hour, after.minute):
                    continue
                for s in sorted(self.second):
                    candidate = time(h, m, s)
                    if after is None or candidate > after:
                        return candidate
        return None

    def next_after(self, moment: datetime) -> datetime | None:
        """The first run time strictly after `moment` (whole seconds, UTC); None if none."""
        moment = moment.astimezone(UTC)
        day = moment.date()
        after: time | None = moment.time().replace(microsecond=0, tzinfo=None)
        for _ in range(_HORIZON_DAYS):
            if self._day_matches(day):
                found = self._first_time(after)
                if found is not None:
                    return datetime.combine(day, found, tzinfo=UTC)
            day += timedelta(days=1)
            after = None
        return None


def _possible_day(months: frozenset[int], days: frozenset[int]) -> bool:
    # February can have 29 days (leap years); the weekday then follows within 28 years
    longest = {m: 29 if m == 2 else calendar.monthrange(2001, m)[1] for m in months}
    return any(d <= longest[m] for m in months for d in days)


def parse(given: Any) -> Schedule:
    """The `schedule` object → Schedule, or InvalidSubscription naming `schedule.<field>`."""
    if not isinstance(given, dict):
        raise InvalidSubscription("schedule", "must be an object of " + ", ".join(FIELDS))
    texts: dict[str, str] = {}
    for name, value in given.items():
        if name not in FIELDS:
            raise InvalidSubscription(
                f"schedule.{name}", "not a schedule field (" + ", ".join(FIELDS) + ")"
            )
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise InvalidSubscription(f"schedule.{name}", f"{value!r} must be a string")
        texts[name] = str(value)
    sets = {
        name: _values(name, texts[name]) if name in texts else frozenset(range(low, high + 1))
        for name, (low, high) in FIELDS.items()
    }
    if not _possible_day(sets["month"], sets["dayOfMonth"]):
        raise InvalidSubscription(
            "schedule.dayOfMonth", "no month of the schedule has such a day: it would never run"
        )
    return Schedule(
        fields=texts,
        second=sets["second"],
        minute=sets["minute"],
        hour=sets["hour"],
        day_of_month=sets["dayOfMonth"],
        month=sets["month"],
        day_of_week=sets["dayOfWeek"],
    )

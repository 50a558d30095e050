"""The input-bounds policy: what any value a client sends may be, in one place.

Every refusal names the field. The numbers are chosen so that whatever passes can be indexed,
stored, summed and encoded back as JSON:

- identifiers (eventIDs, payload, facility, product, record, journey ids, …): at most
  `MAX_ID_LENGTH` characters (the longest GS1 key form is far shorter) and `MAX_ID_BYTES`
  bytes of UTF-8 (Neo4j cannot index a longer property value);
- org names: at most `MAX_ORG_LENGTH` (200) characters, not blank, where an org is named for
  the first time (a key created for it, `--org` of the loaders, a share offered or accepted,
  TRACE_DEFAULT_ORG): an org is part of many index keys beside an identifier (an event's
  `(eventID, owner)`, a statement's `(id, org)`, the listings' `rank`); 200 characters of
  UTF-8 (800 bytes at most) leave an identifier of the bound room in every one of them (a
  6,100-character org did not, and failed a whole load). Orgs stored longer before are kept and
  reported (`db migrate --recheck-values`);
- integers: 64-bit signed (what Neo4j stores and orjson encodes); page numbers at most
  `MAX_PAGE`, so an offset never overflows; positions (sequenceOrder) at most `MAX_POSITION`;
  integer ids within ±`SAFE_INTEGER` (exact in every JSON client);
- quantities (distances, emissions, amounts): finite, at most `MAX_QUANTITY`, so a total of
  `MAX_ITEMS` of them cannot overflow;
- dates: from `DATE_MIN` to `DATE_MAX` in UTC (years 0001-9999, what Python and Neo4j
  hold), with an offset; `BoundedDatetime` for a model field, `check_moment` otherwise;
- free-form content (metadata, payload content): a size and a depth limit, one constant each
  (`METADATA_MAX_BYTES`, 64 KiB, and `METADATA_MAX_DEPTH`, 32, in `kit/metadata.py`), the same
  for records, journeys and payloads. They are constants, not settings: values stored under a
  larger limit would break the clients of a server started with a smaller one, and the
  OpenAPI document states them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

MAX_ID_LENGTH = 2048
MAX_ID_BYTES = 8000
MAX_NAME_LENGTH = 1000  # a facility's or a product's name in master data
MAX_ORG_LENGTH = 200
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
MAX_PAGE = 1_000_000
MAX_POSITION = 2**31 - 1
SAFE_INTEGER = 2**53 - 1
MAX_ITEMS = 10_000
MAX_QUANTITY = 1e12
DATE_MIN = datetime(1, 1, 1, tzinfo=UTC)
DATE_MAX = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def check_moment(value: datetime) -> datetime:
    """An aware date-time that lies within DATE_MIN..DATE_MAX in UTC (ValueError if not)."""
    if value.tzinfo is None:
        raise ValueError("has no time zone offset")
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is outside 0001-01-01..9999-12-31 in UTC") from None
    return value


BoundedDatetime = Annotated[AwareDatetime, AfterValidator(check_moment)]
"""A date-time with an offset, within the calendar in UTC."""


def id_too_long(value: str) -> str | None:
    """Why an identifier is too long to store and index, or None."""
    if len(value) > MAX_ID_LENGTH:
        return f"is {len(value)} characters long, more than {MAX_ID_LENGTH}"
    if len(value.encode("utf-8")) > MAX_ID_BYTES:
        return f"is more than {MAX_ID_BYTES} bytes in UTF-8"
    return None


def org_problem(value: str) -> str | None:
    """Why `value` cannot name an org, or None."""
    if not value.strip():
        return "must not be empty"
    if len(value) > MAX_ORG_LENGTH:
        return f"is {len(value)} characters long, more than {MAX_ORG_LENGTH}"
    return None

"""The input-bounds policy: what any value a client sends may be, in one place.

Every refusal names the field. The numbers are chosen so that whatever passes can be indexed,
stored, summed and encoded back as JSON:

- identifiers (eventIDs, payload, facility, product, record, journey ids, …): at most
  `MAX_ID_LENGTH` characters (the longest GS1 key form is far shorter) and `MAX_ID_BYTES`
  bytes of UTF-8 (Neo4j cannot index a longer property value);
- integers: 64-bit signed (what Neo4j stores and orjson encodes); page numbers at most
  `MAX_PAGE`, so an offset never overflows; positions (sequenceOrder) at most `MAX_POSITION`;
  integer ids within ±`SAFE_INTEGER` (exact in every JSON client);
- quantities (distances, emissions, amounts): finite, at most `MAX_QUANTITY`, so a total of
  `MAX_ITEMS` of them cannot overflow;
- dates: from `DATE_MIN` to `DATE_MAX` (UTC), so converting any offset stays in the calendar;
- free-form content (metadata, payload content): a size and a depth limit, one setting each
  (`TRACE_CONTENT_MAX_BYTES`, `TRACE_CONTENT_MAX_DEPTH`), the same for records, journeys and
  payloads.
"""

from __future__ import annotations

from datetime import UTC, datetime

MAX_ID_LENGTH = 2048
MAX_ID_BYTES = 8000
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
MAX_PAGE = 1_000_000
MAX_POSITION = 2**31 - 1
SAFE_INTEGER = 2**53 - 1
MAX_ITEMS = 10_000
MAX_QUANTITY = 1e12
DATE_MIN = datetime(1900, 1, 1, tzinfo=UTC)
DATE_MAX = datetime(9999, 12, 30, tzinfo=UTC)

"""The typed EPCIS query: what `params.parse_query` makes of the URL's query string.

Identifier filters hold canonical keys (any form the client sent: EPC URN, Digital Link, Food
Trust URN) and key prefixes (EPC patterns), so one query matches every form of the same thing.
CBV values are full URNs, times are UTC `YYYY-MM-DDTHH:MM:SS.mmmZ` like the stored ones.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Literal

import orjson


class OrderBy(StrEnum):
    """The sort keys a query may ask for (allow-list)."""

    EVENT_TIME = "eventTime"
    RECORD_TIME = "recordTime"


class Direction(StrEnum):
    """Sort direction (allow-list)."""

    ASC = "ASC"
    DESC = "DESC"


class EpcFormat(StrEnum):
    """The `GS1-EPC-Format` header's values."""

    DIGITAL_LINK = "Always_GS1_Digital_Link"
    EPC_URN = "Always_EPC_URN"
    NEVER = "Never_Translates"
    NO_PREFERENCE = "No_Preference"


class CbvFormat(StrEnum):
    """The `GS1-CBV-XML-Format` header's values."""

    WEB_URI = "Always_Web_URI"
    URN = "Always_URN"
    NEVER = "Never_Translates"
    NO_PREFERENCE = "No_Preference"


@dataclass(frozen=True, slots=True)
class IdMatch:
    """Identifiers to match: exact canonical keys, and key prefixes from EPC patterns."""

    keys: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()


Comparison = Literal["EQ", "GT", "GE", "LT", "LE", "EXISTS"]


@dataclass(frozen=True, slots=True)
class FieldFilter:
    """A user-extension filter: `EQ_{field}`, `GE_ILMD_{field}`, `EXISTS_{field}`, …"""

    op: Comparison
    ilmd: bool
    field: str  # as the client named it: a CURIE `ex:f` or a full IRI `http://ns/#f`
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventQuery:
    """A parsed, validated EPCIS events query (no paging state)."""

    event_types: tuple[str, ...] = ()
    ge_event_time: str | None = None
    lt_event_time: str | None = None
    ge_record_time: str | None = None
    lt_record_time: str | None = None
    actions: tuple[str, ...] = ()
    biz_steps: tuple[str, ...] = ()
    dispositions: tuple[str, ...] = ()
    persistent_disposition_set: tuple[str, ...] = ()
    persistent_disposition_unset: tuple[str, ...] = ()
    read_points: tuple[str, ...] = ()
    biz_locations: tuple[str, ...] = ()
    # WD_: the given places; the service adds their descendants from master data
    # (`urn:epcglobal:cbv:mda#childID` / `children`) before planning
    wd_read_points: tuple[str, ...] = ()
    wd_biz_locations: tuple[str, ...] = ()
    transformation_ids: tuple[str, ...] = ()
    match_epc: IdMatch | None = None
    match_parent: IdMatch | None = None
    match_input: IdMatch | None = None
    match_output: IdMatch | None = None
    match_any: IdMatch | None = None
    match_epc_class: IdMatch | None = None
    match_input_class: IdMatch | None = None
    match_output_class: IdMatch | None = None
    match_any_class: IdMatch | None = None
    quantity: tuple[tuple[str, float], ...] = ()  # (op, value)
    event_ids: tuple[str, ...] = ()
    exists_error_declaration: bool = False
    ge_error_declaration_time: str | None = None
    lt_error_declaration_time: str | None = None
    error_reasons: tuple[str, ...] = ()
    corrective_event_ids: tuple[str, ...] = ()
    biz_transactions: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (type URN, values)
    sources: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (type URN, canonical keys)
    destinations: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fields: tuple[FieldFilter, ...] = ()
    order_by: OrderBy = OrderBy.EVENT_TIME
    order_direction: Direction = Direction.DESC
    event_count_limit: int | None = None
    max_event_count: int | None = None
    # resource restriction of /epcis/{resource}/{id}/events (already folded into the fields
    # above; kept so a token of one resource's query is not taken for another's)
    scope: str = ""

    def digest(self) -> str:
        """A stable hash of the query, bound into its page tokens."""
        return hashlib.sha256(orjson.dumps(asdict(self), option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page ended: the sort value and the tie-breakers of its last event."""

    value: str
    event_id: str
    owner: str


@dataclass(slots=True)
class Page:
    """One page of a query: the events (stored JSON text + record fields) and what comes next."""

    events: list[StoredEvent] = field(default_factory=list)
    next_position: Position | None = None
    returned_before: int = 0


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as the repository returns it."""

    raw: str
    record_time: str | None
    event_time: str
    event_id: str
    owner: str
    namespaces: str | None = None
    error_declaration: str | None = None

    def sort_value(self, order_by: OrderBy) -> str:
        """The value of the sort key for keyset paging."""
        if order_by is OrderBy.RECORD_TIME:
            return self.record_time or ""
        return self.event_time

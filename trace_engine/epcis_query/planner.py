"""`EventQuery` → one parameterised Cypher statement per page (pure).

The statement is built only from the fragment files in `cypher/epcis_query/`, chosen from
fixed allow-lists: one anchor (where the match starts), one filter line per parameter family
given, the keyset condition of the sort key and direction, and the ordered tail. Every value
travels as a parameter. Filters the graph does not model (user extensions, ILMD, quantities,
whether an error was declared and its details, business transactions, sources and
destinations, persistent disposition, transformationID) are checked in Python over the stored
event: `residual`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trace_engine.epcis_query.schemas import Direction, EventQuery, IdMatch, OrderBy, Position
from trace_engine.graph.catalog import Query, query

LOWEST = ""
HIGHEST = "\uffff"

# (EventQuery attribute, fragment, parameter prefix)
_MATCH_FILTERS = (
    ("match_epc", Query.EPCIS_QUERY_FILTER_MATCH_EPC, "matchEpc"),
    ("match_parent", Query.EPCIS_QUERY_FILTER_MATCH_PARENT, "matchParent"),
    ("match_input", Query.EPCIS_QUERY_FILTER_MATCH_INPUT, "matchInput"),
    ("match_output", Query.EPCIS_QUERY_FILTER_MATCH_OUTPUT, "matchOutput"),
    ("match_any", Query.EPCIS_QUERY_FILTER_MATCH_ANY, "matchAny"),
    ("match_epc_class", Query.EPCIS_QUERY_FILTER_MATCH_EPC_CLASS, "matchEpcClass"),
    ("match_input_class", Query.EPCIS_QUERY_FILTER_MATCH_INPUT_CLASS, "matchInputClass"),
    ("match_output_class", Query.EPCIS_QUERY_FILTER_MATCH_OUTPUT_CLASS, "matchOutputClass"),
    ("match_any_class", Query.EPCIS_QUERY_FILTER_MATCH_ANY_CLASS, "matchAnyClass"),
)
# (attribute, fragment, parameter)
_LIST_FILTERS = (
    ("event_types", Query.EPCIS_QUERY_FILTER_EVENT_TYPES, "eventTypes"),
    ("actions", Query.EPCIS_QUERY_FILTER_ACTIONS, "actions"),
    ("biz_steps", Query.EPCIS_QUERY_FILTER_BIZ_STEPS, "bizSteps"),
    ("dispositions", Query.EPCIS_QUERY_FILTER_DISPOSITIONS, "dispositions"),
    ("event_ids", Query.EPCIS_QUERY_FILTER_EVENT_IDS, "eventIds"),
    ("read_points", Query.EPCIS_QUERY_FILTER_READ_POINTS, "readPoints"),
    ("biz_locations", Query.EPCIS_QUERY_FILTER_BIZ_LOCATIONS, "bizLocations"),
    ("wd_read_points", Query.EPCIS_QUERY_FILTER_WD_READ_POINTS, "wdReadPoints"),
    ("wd_biz_locations", Query.EPCIS_QUERY_FILTER_WD_BIZ_LOCATIONS, "wdBizLocations"),
)
# sort key → the index walk that anchors an unrestricted query
_TIME_ANCHOR = {
    OrderBy.EVENT_TIME: Query.EPCIS_QUERY_ANCHOR_EVENT_TIME,
    OrderBy.RECORD_TIME: Query.EPCIS_QUERY_ANCHOR_RECORD_TIME,
}
# (sort key, direction) → (keyset condition, ordered tail)
_TAIL = {
    (OrderBy.EVENT_TIME, Direction.ASC): (
        Query.EPCIS_QUERY_AFTER_EVENT_TIME_ASC,
        Query.EPCIS_QUERY_ORDER_EVENT_TIME_ASC,
    ),
    (OrderBy.EVENT_TIME, Direction.DESC): (
        Query.EPCIS_QUERY_AFTER_EVENT_TIME_DESC,
        Query.EPCIS_QUERY_ORDER_EVENT_TIME_DESC,
    ),
    (OrderBy.RECORD_TIME, Direction.ASC): (
        Query.EPCIS_QUERY_AFTER_RECORD_TIME_ASC,
        Query.EPCIS_QUERY_ORDER_RECORD_TIME_ASC,
    ),
    (OrderBy.RECORD_TIME, Direction.DESC): (
        Query.EPCIS_QUERY_AFTER_RECORD_TIME_DESC,
        Query.EPCIS_QUERY_ORDER_RECORD_TIME_DESC,
    ),
}


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement and its parameters."""

    text: str
    parameters: dict[str, Any]


def _file(name: Query) -> str:
    """A fragment without its comment lines."""
    lines = query(name).splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("//"))


def _next_string(value: str) -> str:
    """The smallest string greater than `value` (for an inclusive bound as an exclusive one)."""
    return value + "\x00"


def plan(q: EventQuery, orgs: list[str], after: Position | None, limit: int) -> Statement:
    """The statement returning the next `limit` candidate events of `q` after `after`."""
    params: dict[str, Any] = {"orgs": orgs, "limit": limit}
    parts: list[str] = []
    descending = q.order_direction is Direction.DESC

    anchor_match = next(
        (getattr(q, attr) for attr, _, _ in _MATCH_FILTERS if getattr(q, attr) is not None),
        None,
    )
    if q.event_ids:
        parts.append(_file(Query.EPCIS_QUERY_ANCHOR_EVENT_IDS))
        params["anchorKeys"] = list(q.event_ids)
    elif anchor_match is not None:
        parts.append(_file(Query.EPCIS_QUERY_ANCHOR_THINGS))
        params["anchorKeys"] = list(anchor_match.keys)
        params["anchorPrefixes"] = list(anchor_match.prefixes)
    elif places := (q.biz_locations or q.read_points or q.wd_biz_locations or q.wd_read_points):
        parts.append(_file(Query.EPCIS_QUERY_ANCHOR_FACILITIES))
        params["anchorKeys"] = list(places)
    else:
        # walk the sort key's index in order; its range holds the time filter and the
        # keyset position, so page 1,000 starts where page 999 ended
        low, high = (
            (q.ge_event_time, q.lt_event_time)
            if q.order_by is OrderBy.EVENT_TIME
            else (q.ge_record_time, q.lt_record_time)
        )
        low, high = low or LOWEST, high or HIGHEST
        if after is not None:
            if descending:
                high = min(high, _next_string(after.value))
            else:
                low = max(low, after.value)
        parts.append(_file(_TIME_ANCHOR[q.order_by]))
        params["timeLow"], params["timeHigh"] = low, high

    if q.ge_event_time or q.lt_event_time:
        parts.append(_file(Query.EPCIS_QUERY_FILTER_EVENT_TIME))
        params["geEventTime"] = q.ge_event_time or LOWEST
        params["ltEventTime"] = q.lt_event_time or HIGHEST
    if q.ge_record_time or q.lt_record_time:
        parts.append(_file(Query.EPCIS_QUERY_FILTER_RECORD_TIME))
        params["geRecordTime"] = q.ge_record_time or LOWEST
        params["ltRecordTime"] = q.lt_record_time or HIGHEST
    for attr, name, param in _LIST_FILTERS:
        values = getattr(q, attr)
        if values:
            parts.append(_file(name))
            params[param] = list(values)
    for attr, name, param in _MATCH_FILTERS:
        match: IdMatch | None = getattr(q, attr)
        if match is not None:
            parts.append(_file(name))
            params[param + "Keys"] = list(match.keys)
            params[param + "Prefixes"] = list(match.prefixes)
    keyset, tail = _TAIL[(q.order_by, q.order_direction)]
    if after is not None:
        parts.append(_file(keyset))
        params["afterValue"] = after.value
        params["afterId"] = after.event_id
        params["afterOwner"] = after.owner
    parts.append(_file(tail))
    return Statement("\n".join(parts), params)


def has_residual(q: EventQuery) -> bool:
    """Whether some filter of `q` is checked in Python over the stored event."""
    return bool(
        q.persistent_disposition_set
        or q.persistent_disposition_unset
        or q.transformation_ids
        or q.quantity
        or q.exists_error_declaration
        or q.ge_error_declaration_time
        or q.lt_error_declaration_time
        or q.error_reasons
        or q.corrective_event_ids
        or q.biz_transactions
        or q.sources
        or q.destinations
        or q.fields
    )

"""The EPCIS 2.0 query string → `EventQuery` (pure).

Names and value syntax follow the GS1 REST bindings and `query-schema.json`: lists are
pipe-delimited (`EQ_bizStep=shipping|receiving`), a repeated list parameter adds to the list.
Every refusal is a `QueryParameterError` naming the parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from trace_engine.epcis.model import EVENT_TYPES
from trace_engine.epcis.normalise import expand_cbv
from trace_engine.epcis_query.schemas import (
    Direction,
    EventQuery,
    FieldFilter,
    IdMatch,
    OrderBy,
)
from trace_engine.errors import InvalidIdentifier, QueryParameterError
from trace_engine.identifiers import parse_identifier
from trace_engine.kit.timestamps import utc_millis

# parameters the route reads itself (paging)
PAGING = frozenset({"perPage", "nextPageToken"})

_ACTIONS = ("ADD", "OBSERVE", "DELETE")
_TIMES = {
    "GE_eventTime": "ge_event_time",
    "LT_eventTime": "lt_event_time",
    "GE_recordTime": "ge_record_time",
    "LT_recordTime": "lt_record_time",
    "GE_errorDeclarationTime": "ge_error_declaration_time",
    "LT_errorDeclarationTime": "lt_error_declaration_time",
}
_CBV_LISTS = {
    "EQ_bizStep": ("biz_steps", "bizstep"),
    "EQ_disposition": ("dispositions", "disp"),
    "EQ_persistentDisposition_set": ("persistent_disposition_set", "disp"),
    "EQ_persistentDisposition_unset": ("persistent_disposition_unset", "disp"),
    "EQ_errorReason": ("error_reasons", "er"),
}
_PLACES = {
    "EQ_readPoint": "read_points",
    "WD_readPoint": "wd_read_points",
    "EQ_bizLocation": "biz_locations",
    "WD_bizLocation": "wd_biz_locations",
}
# parameter → (field, class-level?)
_MATCHES = {
    "MATCH_epc": ("match_epc", False),
    "MATCH_parentID": ("match_parent", False),
    "MATCH_inputEPC": ("match_input", False),
    "MATCH_outputEPC": ("match_output", False),
    "MATCH_anyEPC": ("match_any", False),
    "MATCH_epcClass": ("match_epc_class", True),
    "MATCH_inputEPCClass": ("match_input_class", True),
    "MATCH_outputEPCClass": ("match_output_class", True),
    "MATCH_anyEPCClass": ("match_any_class", True),
}
_URI_LISTS = {
    "EQ_eventID": "event_ids",
    "EQ_transformationID": "transformation_ids",
    "EQ_correctiveEventID": "corrective_event_ids",
}
_QUANTITY = ("EQ_quantity", "GT_quantity", "GE_quantity", "LT_quantity", "LE_quantity")
_FIELD_OPS = ("EQ_", "GT_", "GE_", "LT_", "LE_", "EXISTS_")
# in the bindings but not served here: sensor data filters
_UNSUPPORTED = frozenset(
    {
        "GE_startTime",
        "LT_startTime",
        "GE_endTime",
        "LT_endTime",
        "EQ_type",
        "EQ_deviceID",
        "EQ_dataProcessingMethod",
        "EQ_microorganism",
        "EQ_chemicalSubstance",
        "EQ_bizRules",
        "EQ_stringValue",
        "EQ_hexBinaryValue",
        "EQ_uriValue",
        "EQ_booleanValue",
    }
)
MAX_LIST = 100


def utc_time(name: str, value: str) -> str:
    """An ISO 8601 date-time (offset or Z; none means UTC) → stored form, else 400."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise QueryParameterError(
            name, f"{value!r} is not an ISO 8601 date-time such as 2024-01-31T12:00:00Z"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return utc_millis(moment)
    except OverflowError:
        raise QueryParameterError(name, f"{value!r} is out of range") from None


def _items(name: str, value: str) -> list[str]:
    items = value.split("|")
    if any(not item.strip() for item in items):
        raise QueryParameterError(name, "empty value in the list (use | between values)")
    if len(items) > MAX_LIST:
        raise QueryParameterError(name, f"at most {MAX_LIST} values")
    return [item.strip() for item in items]


def id_match(name: str, values: Iterable[str], class_level: bool) -> IdMatch:
    """Identifiers in any form (or EPC patterns) → canonical keys and key prefixes."""
    keys: list[str] = []
    prefixes: list[str] = []
    for value in values:
        try:
            ident = parse_identifier(value)
        except InvalidIdentifier as exc:
            raise QueryParameterError(name, f"{value!r}: {exc.reason}") from None
        if ident.scheme == "epc-idpat-sgtin":
            # every serial (instance level) or every lot and the class itself (class level)
            if class_level:
                keys.append(ident.key)
                prefixes.append(ident.key + "/10/")
            else:
                prefixes.append(ident.key + "/21/")
        else:
            keys.append(ident.key)
    return IdMatch(tuple(dict.fromkeys(keys)), tuple(dict.fromkeys(prefixes)))


def _place_keys(name: str, values: Iterable[str]) -> list[str]:
    keys = []
    for value in values:
        try:
            keys.append(parse_identifier(value).key)
        except InvalidIdentifier as exc:
            raise QueryParameterError(name, f"{value!r}: {exc.reason}") from None
    return keys


def _count(name: str, value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 10 or int(value) < 1:
        raise QueryParameterError(name, f"{value!r} is not a positive integer")
    if int(value) > 10**9:
        raise QueryParameterError(name, "at most 1000000000")
    return int(value)


def _number(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise QueryParameterError(name, f"{value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise QueryParameterError(name, f"{value!r} is not a finite number")
    return number


def _uri(name: str, value: str) -> str:
    if ":" not in value or any(c.isspace() for c in value):
        raise QueryParameterError(name, f"{value!r} is not a URI")
    return value


def _field_filter(name: str, value: str) -> FieldFilter | None:
    op = next((o for o in _FIELD_OPS if name.startswith(o)), None)
    if op is None:
        return None
    rest = name[len(op) :]
    ilmd = rest.startswith("ILMD_")
    if ilmd:
        rest = rest[5:]
    if ":" not in rest and "#" not in rest:
        return None  # not an extension field name: unknown parameter
    comparison = op[:-1]
    if comparison == "EXISTS":
        if value not in ("", "true"):
            raise QueryParameterError(name, "EXISTS_ takes no value (or true)")
        return FieldFilter("EXISTS", ilmd, rest)
    values = tuple(_items(name, value)) if comparison == "EQ" else (value,)
    if comparison != "EQ":
        if not value:
            raise QueryParameterError(name, "a value to compare with is required")
    return FieldFilter(comparison, ilmd, rest, values)  # type: ignore[arg-type]


def parse_query(pairs: Iterable[tuple[str, str]], scope: str = "") -> EventQuery:
    """Validate the query string's (name, value) pairs into an `EventQuery`."""
    out: dict[str, Any] = {}
    lists: dict[str, list[Any]] = {}
    seen: set[str] = set()

    def extend(key: str, values: Iterable[Any]) -> None:
        lists.setdefault(key, []).extend(values)

    def once(name: str) -> None:
        if name in seen:
            raise QueryParameterError(name, "given more than once")
        seen.add(name)

    fields: list[FieldFilter] = []
    quantity: list[tuple[str, float]] = []
    btt: dict[str, list[str]] = {}
    sources: dict[str, list[str]] = {}
    destinations: dict[str, list[str]] = {}
    for name, value in pairs:
        if name in PAGING:
            continue
        if name == "eventType":
            for item in _items(name, value):
                if item not in EVENT_TYPES:
                    raise QueryParameterError(
                        name, f"{item!r} is not one of {', '.join(EVENT_TYPES)}"
                    )
                extend("event_types", [item])
        elif name in _TIMES:
            once(name)
            out[_TIMES[name]] = utc_time(name, value)
        elif name == "EQ_action":
            for item in _items(name, value):
                if item not in _ACTIONS:
                    raise QueryParameterError(name, f"{item!r} is not one of ADD, OBSERVE, DELETE")
                extend("actions", [item])
        elif name in _CBV_LISTS:
            key, kind = _CBV_LISTS[name]
            extend(key, [expand_cbv(item, kind) for item in _items(name, value)])
        elif name in _PLACES:
            extend(_PLACES[name], _place_keys(name, _items(name, value)))
        elif name in _MATCHES:
            key, class_level = _MATCHES[name]
            extend(key, [id_match(name, _items(name, value), class_level)])
        elif name in _URI_LISTS:
            extend(_URI_LISTS[name], [_uri(name, item) for item in _items(name, value)])
        elif name in _QUANTITY:
            quantity.append((name[:2], _number(name, value)))
        elif name == "EXISTS_errorDeclaration":
            if value not in ("", "true"):
                raise QueryParameterError(name, "takes no value (or true)")
            out["exists_error_declaration"] = True
        elif name.startswith("EQ_bizTransaction_") and len(name) > 18:
            btt.setdefault(expand_cbv(name[18:], "btt"), []).extend(_items(name, value))
        elif name.startswith("EQ_source_") and len(name) > 10:
            sources.setdefault(expand_cbv(name[10:], "sdt"), []).extend(
                _place_keys(name, _items(name, value))
            )
        elif name.startswith("EQ_destination_") and len(name) > 15:
            destinations.setdefault(expand_cbv(name[15:], "sdt"), []).extend(
                _place_keys(name, _items(name, value))
            )
        elif name == "orderBy":
            once(name)
            try:
                out["order_by"] = OrderBy(value)
            except ValueError:
                raise QueryParameterError(name, "must be eventTime or recordTime") from None
        elif name == "orderDirection":
            once(name)
            try:
                out["order_direction"] = Direction(value.upper())
            except ValueError:
                raise QueryParameterError(name, "must be ASC or DESC") from None
        elif name in ("eventCountLimit", "maxEventCount"):
            once(name)
            out["event_count_limit" if name == "eventCountLimit" else "max_event_count"] = _count(
                name, value
            )
        elif name in _UNSUPPORTED:
            raise QueryParameterError(name, "sensor data filters are not supported here")
        elif (field := _field_filter(name, value)) is not None:
            fields.append(field)
        else:
            raise QueryParameterError(name, "unknown query parameter")

    if "event_count_limit" in out and "orderBy" not in seen:
        raise QueryParameterError("eventCountLimit", "requires orderBy")
    if "event_count_limit" in out and "max_event_count" in out:
        raise QueryParameterError("eventCountLimit", "cannot be combined with maxEventCount")
    for key, values in lists.items():
        if key.startswith("match_"):
            out[key] = IdMatch(
                tuple(dict.fromkeys(k for m in values for k in m.keys)),
                tuple(dict.fromkeys(p for m in values for p in m.prefixes)),
            )
        else:
            out[key] = tuple(dict.fromkeys(values))
    out["fields"] = tuple(fields)
    out["quantity"] = tuple(quantity)
    out["biz_transactions"] = tuple((k, tuple(v)) for k, v in sorted(btt.items()))
    out["sources"] = tuple((k, tuple(v)) for k, v in sorted(sources.items()))
    out["destinations"] = tuple((k, tuple(v)) for k, v in sorted(destinations.items()))
    return EventQuery(scope=scope, **out)

"""The filters checked over the stored event itself (pure): what the graph does not model.

User extensions (`EQ_{field}`, `GT_ILMD_{field}`, `EXISTS_{field}` …), quantities,
error-declaration details, business transactions, sources and destinations, persistent
disposition and transformationID. Values are compared as numbers when both sides are
numbers, as instants when both are date-times, else as strings.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from trace_engine.epcis.normalise import expand_cbv
from trace_engine.epcis_query.schemas import EventQuery, FieldFilter
from trace_engine.errors import InvalidIdentifier
from trace_engine.identifiers import parse_identifier

_QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")


def _key(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_identifier(value).key
    except InvalidIdentifier:
        return value


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _as_instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def compare(stored: Any, op: str, wanted: str) -> bool:
    """`stored op wanted`, by number, by instant or by string."""
    if isinstance(stored, dict):
        stored = stored.get("#text")
    if isinstance(stored, dict | list) or stored is None:
        return False
    left_n, right_n = _as_number(stored), _as_number(wanted)
    left: Any
    right: Any
    if left_n is not None and right_n is not None:
        left, right = left_n, right_n
    else:
        left_t, right_t = _as_instant(stored), _as_instant(wanted)
        if left_t is not None and right_t is not None:
            left, right = left_t, right_t
        else:
            left, right = str(stored).lower() if isinstance(stored, bool) else str(stored), wanted
    if op == "EQ":
        return bool(left == right)
    if op == "GT":
        return bool(left > right)
    if op == "GE":
        return bool(left >= right)
    if op == "LT":
        return bool(left < right)
    return bool(left <= right)


def _field_names(name: str, namespaces: dict[str, str]) -> set[str]:
    """Every way a client may name the stored key `name` (`ex:f`): the CURIE and full IRIs."""
    names = {name}
    prefix, sep, local = name.partition(":")
    if sep and prefix in namespaces:
        base = namespaces[prefix]
        names.add(base + local)
        names.add(base.rstrip("#/") + "#" + local)
    return names


def _values_of(container: dict[str, Any], wanted: str, namespaces: dict[str, str]) -> Iterator[Any]:
    for name, value in container.items():
        if wanted in _field_names(name, namespaces):
            yield from value if isinstance(value, list) else [value]


def _field_matches(event: dict[str, Any], f: FieldFilter, namespaces: dict[str, str]) -> bool:
    container = event.get("ilmd") if f.ilmd else event
    if not isinstance(container, dict):
        return False
    values = list(_values_of(container, f.field, namespaces))
    if f.op == "EXISTS":
        return bool(values)
    return any(compare(v, f.op, w) for v in values for w in f.values)


def _quantities(event: dict[str, Any]) -> Iterator[Any]:
    for name in _QUANTITY_LISTS:
        for element in event.get(name) or []:
            if isinstance(element, dict) and "quantity" in element:
                yield element["quantity"]


def _typed(entries: Any, kind: str, value_key: str) -> list[tuple[str, Any]]:
    return [
        (expand_cbv(str(entry.get("type", "")), kind), entry.get(value_key))
        for entry in entries or []
        if isinstance(entry, dict)
    ]


def matches(q: EventQuery, event: dict[str, Any], namespaces: dict[str, str]) -> bool:
    """Whether the stored event passes every residual filter of `q`."""
    if q.transformation_ids and event.get("transformationID") not in q.transformation_ids:
        return False
    for op, number in q.quantity:
        if not any(compare(v, op, repr(number)) for v in _quantities(event)):
            return False
    persistent = event.get("persistentDisposition") or {}
    for wanted, key in (
        (q.persistent_disposition_set, "set"),
        (q.persistent_disposition_unset, "unset"),
    ):
        if wanted:
            have = {expand_cbv(str(v), "disp") for v in persistent.get(key) or []}
            if not have & set(wanted):
                return False
    declaration = event.get("errorDeclaration")
    if (
        q.exists_error_declaration
        or q.ge_error_declaration_time
        or q.lt_error_declaration_time
        or q.error_reasons
        or q.corrective_event_ids
    ):
        if not isinstance(declaration, dict):
            return False
        when = _as_instant(declaration.get("declarationTime"))
        if q.ge_error_declaration_time and (
            when is None or when < _as_instant(q.ge_error_declaration_time)  # type: ignore[operator]
        ):
            return False
        if q.lt_error_declaration_time and (
            when is None or when >= _as_instant(q.lt_error_declaration_time)  # type: ignore[operator]
        ):
            return False
        if q.error_reasons and expand_cbv(str(declaration.get("reason", "")), "er") not in (
            q.error_reasons
        ):
            return False
        if q.corrective_event_ids and not set(declaration.get("correctiveEventIDs") or []) & set(
            q.corrective_event_ids
        ):
            return False
    transactions = _typed(event.get("bizTransactionList"), "btt", "bizTransaction")
    for kind, values in q.biz_transactions:
        if not any(t == kind and v in values for t, v in transactions):
            return False
    for wanted_list, name, value_key in (
        (q.sources, "sourceList", "source"),
        (q.destinations, "destinationList", "destination"),
    ):
        entries = _typed(event.get(name), "sdt", value_key)
        for kind, keys in wanted_list:
            if not any(t == kind and _key(v) in keys for t, v in entries):
                return False
    return all(_field_matches(event, f, namespaces) for f in q.fields)

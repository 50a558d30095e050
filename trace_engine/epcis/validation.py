"""Per-event validation against the official EPCIS 2.0 JSON Schema.

The schema shipped in `schema/EPCIS-JSON-Schema.json` is an unchanged copy of
`shared/reference/epcis/EPCIS-JSON-Schema.json` (GS1, Apache 2.0), so an installed package does
not depend on the repository's `shared/` folder. Events are checked one by one (so an error maps
to the event's index) by validators compiled once with fastjsonschema, one per event type; an
event that fails is checked again with jsonschema only to pick the most relevant error
(`best_match`) and phrase it as a field path and a short reason.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
from jsonschema.exceptions import best_match

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "EPCIS-JSON-Schema.json"
# the reference copy in a checkout of the project (`<checkout>/../shared/...`); tests compare it
# with the packaged copy, nothing loads it at run time
REFERENCE_SCHEMA_PATH = (
    Path(__file__).resolve().parents[2].parent / "shared/reference/epcis/EPCIS-JSON-Schema.json"
)

_EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
)


@cache
def load_schema() -> dict[str, Any]:
    """The packaged EPCIS 2.0 JSON Schema, parsed once."""
    with SCHEMA_PATH.open("rb") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


def _merge_property_name_enums(definitions: dict[str, Any]) -> None:
    # propertyNames is `anyOf: [common-event-properties, {enum}, vocab-uri]`; fastjsonschema tries
    # the branches in order and raises an exception per miss, which dominates the run time. One
    # merged enum tried first accepts exactly the same names, far faster.
    def enum_of(branch: dict[str, Any]) -> list[str] | None:
        if "$ref" in branch:
            target = definitions.get(branch["$ref"].rsplit("/", 1)[-1], {})
            if "anyOf" in target:
                return None
            branch = target
        if set(branch) <= {"type", "enum"} and "enum" in branch:
            return list(branch["enum"])
        return None

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            names = node.get("propertyNames")
            if isinstance(names, dict) and isinstance(names.get("anyOf"), list):
                enums: list[str] = []
                rest: list[Any] = []
                for branch in names["anyOf"]:
                    ref = branch.get("$ref", "") if isinstance(branch, dict) else ""
                    if ref.endswith("/common-event-properties"):
                        common = definitions["common-event-properties"]["anyOf"]
                        for sub in common:
                            found = enum_of(sub)
                            if found is None:
                                rest.append(sub)
                            else:
                                enums.extend(found)
                        continue
                    found = enum_of(branch) if isinstance(branch, dict) else None
                    if found is None:
                        rest.append(branch)
                    else:
                        enums.extend(found)
                if enums:
                    unique = list(dict.fromkeys(enums))
                    names["anyOf"] = [{"type": "string", "enum": unique}, *rest]
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(definitions)


def _enum_branches_first(node: Any) -> None:
    # vocabulary fields are `anyOf: [vocab-other-uri, {enum of bare CBV words}]`: most events
    # use the bare words, so the URI branch fails first (and fastjsonschema builds an exception
    # per miss). anyOf accepts the same values in any order; try the plain enums first.
    if isinstance(node, dict):
        branches = node.get("anyOf")
        if isinstance(branches, list):
            node["anyOf"] = sorted(
                branches,
                key=lambda b: (
                    not (isinstance(b, dict) and "enum" in b and set(b) <= {"type", "enum"})
                ),
            )
        for value in node.values():
            _enum_branches_first(value)
    elif isinstance(node, list):
        for value in node:
            _enum_branches_first(value)


def _allow_persistent_disposition(definitions: dict[str, Any]) -> None:
    # the JSON Schema allows persistentDisposition only on Object and Transformation events,
    # but the standard (its XSD and its own Example-PersistentDisposition.xml) has it on
    # every event type; we follow the standard
    for name in ("AggregationEvent", "TransactionEvent", "AssociationEvent"):
        parts = definitions[name]["allOf"]
        parts[1]["properties"].setdefault(
            "persistentDisposition", {"$ref": "#/definitions/persistentDisposition"}
        )
        enum = parts[1]["propertyNames"]["anyOf"][1]["enum"]
        if "persistentDisposition" not in enum:
            enum.append("persistentDisposition")


@cache
def _definitions() -> dict[str, Any]:
    definitions = copy.deepcopy(load_schema()["definitions"])
    _allow_persistent_disposition(definitions)
    return definitions


@cache
def _fast_schema_definitions() -> dict[str, Any]:
    definitions = copy.deepcopy(_definitions())
    _merge_property_name_enums(definitions)
    _enum_branches_first(definitions)
    return definitions


def measurement_types() -> frozenset[str]:
    """The bare measurement type words of the schema (Temperature, …)."""
    branches = load_schema()["definitions"]["measurementType"]["anyOf"]
    return frozenset(w for b in branches for w in b.get("enum", ()))


@cache
def _fast_validator(ref: str) -> Callable[[Any], Any]:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": _fast_schema_definitions(),
        "$ref": f"#/definitions/{ref}",
    }
    return fastjsonschema.compile(schema)


@cache
def _explaining_validator() -> jsonschema.Draft7Validator:
    schema = {
        "$schema": load_schema()["$schema"],
        "definitions": _definitions(),
        "$ref": "#/definitions/EPCIS-Document-Event",
    }
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def warm_up() -> None:
    """Compile every validator now rather than on the first event."""
    for name in _EVENT_TYPES:
        _fast_validator(name)
    _fast_validator("EPCIS-Document-Event")


def format_path(parts: Any) -> str:
    """`["epcList", 2, "x"]` → `epcList[2].x`."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_FAST_NAME = re.compile(r"^data\.?")
# fastjsonschema's "uri" format
_URI = re.compile(r"^\w+:(\/?\/?)[^\s]+\Z")


def validate_event(event: dict[str, Any]) -> tuple[str, str] | None:
    """Check one event against the schema; return (field, reason) of the most relevant error."""
    kind = event.get("type")
    validator = _fast_validator(kind if kind in _EVENT_TYPES else "EPCIS-Document-Event")
    try:
        validator(event)
    except fastjsonschema.JsonSchemaValueException as fast_error:
        return _explain(event, fast_error)
    return None


def _explain(
    event: dict[str, Any], fast_error: fastjsonschema.JsonSchemaValueException
) -> tuple[str, str]:
    error = best_match(_explaining_validator().iter_errors(event))
    if error is None:
        # only fastjsonschema's formats (date-time, uri) caught it
        field = _FAST_NAME.sub("", fast_error.name or "")
        if fast_error.rule == "propertyNames" and isinstance(fast_error.value, dict):
            bad = next((k for k in fast_error.value if not _URI.match(str(k))), None)
            if bad is not None:
                field = f"{field}.{bad}" if field else str(bad)
                return field, "is not a field of this event (extensions need a prefix:name)"
        return field or "event", fast_error.message.removeprefix(fast_error.name or "").strip()
    # descend to the deepest branch error so the path names the leaf, not the whole event
    while error.context:
        deeper = best_match(error.context)
        if deeper is None:
            break
        error = deeper
    path = list(error.absolute_path)
    reason = error.message
    if error.validator == "required":
        missing = re.match(r"'([^']+)' is a required property", error.message)
        if missing:
            path.append(missing.group(1))
            reason = "is required"
    elif error.validator in ("anyOf", "oneOf") and isinstance(error.instance, str | int | float):
        reason = f"{error.instance!r} is not an allowed value"
    field = format_path(path) or "event"
    if len(reason) > 200:
        reason = reason[:197] + "..."
    return field, reason

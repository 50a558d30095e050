"""Per-event validation against the official EPCIS 2.0 JSON Schema.

The schema shipped in `schema/EPCIS-JSON-Schema.json` is an unchanged copy of
`shared/reference/epcis/EPCIS-JSON-Schema.json` (GS1, Apache 2.0), so an installed package does
not depend on the repository's `shared/` folder. Events are checked one by one (so an error maps
to the event's index) by validators built once with jsonschema-rs (formats checked), one per
event type; an event that fails is checked again with jsonschema only to pick the most relevant
error (`best_match`) and phrase it as a field path and a short reason.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
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


def _sensor_report_type_optional(definitions: dict[str, Any]) -> None:
    # the JSON Schema requires a sensorReport's `type`; the standard does not: the XSD has it
    # `use="optional"`, GS1's SHACL shapes say "measurementType is optional", and GS1's own
    # SensorDataExamples.xml (event 8) has reports with an `exception` and no `type`. We follow
    # the standard (docs/conformance.md)
    report = definitions["sensorReport"]
    report["required"] = [name for name in report.get("required", []) if name != "type"]
    if not report["required"]:
        del report["required"]


def _standard_fields_on_extension_events(definitions: dict[str, Any]) -> None:
    # the JSON Schema pins an event of another type (`"type": "urn:acme:MyEvent"`) down only
    # in the fields every event has (eventTime, eventID, errorDeclaration, ...): its epcList,
    # sourceList, readPoint, ilmd, ... may hold anything. The engine reads those fields on
    # every event as the standard defines them, so an extension event's field of a standard
    # name must have the standard's shape (else `sourceList: ["urn:x"]` crashed the
    # normaliser); each field takes its definition from the first event type that has it
    fields: dict[str, Any] = {}
    for name in _EVENT_TYPES:
        for part in definitions[name]["allOf"]:
            for field, shape in part.get("properties", {}).items():
                if field != "type":
                    fields.setdefault(field, shape)
    definitions["Extended-Event"]["allOf"].append({"type": "object", "properties": fields})


@cache
def _definitions() -> dict[str, Any]:
    definitions = copy.deepcopy(load_schema()["definitions"])
    _allow_persistent_disposition(definitions)
    _sensor_report_type_optional(definitions)
    _standard_fields_on_extension_events(definitions)
    return definitions


@cache
def measurement_types() -> frozenset[str]:
    """The bare measurement type words of the schema (Temperature, …)."""
    branches = load_schema()["definitions"]["measurementType"]["anyOf"]
    return frozenset(w for b in branches for w in b.get("enum", ()))


@cache
def _fast_validator(ref: str) -> jsonschema_rs.Draft7Validator:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": _definitions(),
        "$ref": f"#/definitions/{ref}",
    }
    return jsonschema_rs.Draft7Validator(schema, validate_formats=True)


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


def format_path(parts: Any) -> str:
    """`["epcList", 2, "x"]` → `epcList[2].x`."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def validate_event(event: dict[str, Any]) -> tuple[str, str] | None:
    """Check one event against the schema; return (field, reason) of the most relevant error."""
    kind = event.get("type")
    validator = _fast_validator(kind if kind in _EVENT_TYPES else "EPCIS-Document-Event")
    if validator.is_valid(event):
        return None
    return _explain(event, validator)


def _explain(event: dict[str, Any], validator: jsonschema_rs.Draft7Validator) -> tuple[str, str]:
    error = best_match(_explaining_validator().iter_errors(event))
    if error is None:
        # only a format check caught it (jsonschema checks uri and date-time only with extra
        # packages installed): phrase jsonschema-rs's first error
        return _explain_format(next(iter(validator.iter_errors(event))))
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
    if _SENSOR_TERM.search(field) and isinstance(error.instance, str):
        reason = _explain_sensor_term(error.instance)
    if len(reason) > 200:
        reason = reason[:197] + "..."
    return field, reason


_FORMATS = {
    "date-time": "must be an RFC 3339 date-time with a time zone offset "
    "(e.g. 2024-03-01T10:00:00.000+01:00)",
    "uri": "must be an absolute URI (scheme:rest)",
}
_SENSOR_TERM = re.compile(r"sensorReport\[\d+\]\.(?:type|exception)$")


def _explain_sensor_term(value: Any) -> str:
    return (
        f"{value!r} is not a term of the GS1 vocabulary; a term of another vocabulary must be "
        'a URI or a CURIE whose prefix is in @context (e.g. "acme:Brix")'
    )


def _explain_format(error: jsonschema_rs.ValidationError) -> tuple[str, str]:
    path = list(error.instance_path)
    kind = error.kind
    if _SENSOR_TERM.search(format_path(path)) and isinstance(error.instance, str):
        return format_path(path), _explain_sensor_term(error.instance)
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.PropertyNames):
        # a field name that is neither the event's own nor a URI (prefix:name)
        path.append(str(kind.error.instance))
        return format_path(path), "is not a field of this event (extensions need a prefix:name)"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Format):
        return format_path(path) or "event", _FORMATS.get(kind.format, f"must be {kind.format}")
    return format_path(path) or "event", error.message[:200]

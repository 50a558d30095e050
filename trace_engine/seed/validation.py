"""Validate seed documents against the EPCIS 2.0 JSON Schema (draft-07)."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


# the project's unchanged copy of the GS1 schema, shipped with the EPCIS parser
BUNDLED_SCHEMA = Path(__file__).resolve().parents[1] / "epcis" / "schema" / "EPCIS-JSON-Schema.json"


def default_schema_path() -> Path:
    """The EPCIS JSON Schema to use: $TRACE_EPCIS_JSON_SCHEMA if set, else the bundled copy."""
    override = os.environ.get("TRACE_EPCIS_JSON_SCHEMA")
    return Path(override) if override else BUNDLED_SCHEMA


def _format_checker() -> FormatChecker:
    # jsonschema checks "uri" and "date-time" only when optional packages are installed;
    # these two checks keep validation meaningful without them.
    checker = FormatChecker()

    @checker.checks("uri")
    def _is_uri(value: object) -> bool:
        return not isinstance(value, str) or bool(_URI.match(value))

    @checker.checks("date-time", raises=ValueError)
    def _is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _DATE_TIME.match(value):
            return False
        datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
        return True

    return checker


@lru_cache(maxsize=4)
def epcis_validator(schema_path: Path) -> Draft7Validator:
    """A draft-07 validator for the EPCIS JSON Schema at `schema_path`, with format checks."""
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=_format_checker())


def schema_errors(document: Any, schema_path: Path | None = None) -> list[str]:
    """Every schema violation in `document`, as `path: message` lines (empty when valid)."""
    validator = epcis_validator(schema_path or default_schema_path())
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message}"
        for error in validator.iter_errors(document)
    ]

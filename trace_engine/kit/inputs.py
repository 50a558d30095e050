"""Request bodies: camelCase or snake_case names in, camelCase out, one answer per mistake.

`CamelInput` is the base of every body model: each field may be sent under its camelCase or
its snake_case name (the two documents our APIs follow differ), a field sent under both is
refused (`duplicate_field`), any other name is refused (`extra_forbidden`), and the names in
`read_only` (what an answer holds but a client cannot set, such as `id` or `createdAt`) are
dropped so a client may send back what it read. `CamelOutput` is the base of answers.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from trace_engine.kit.bounds import SAFE_INTEGER


class CamelInput(BaseModel):
    """A request body: camelCase or snake_case names; unknown names refused."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    read_only: ClassVar[frozenset[str]] = frozenset()
    """Names (in either case) ignored on input."""

    @model_validator(mode="before")
    @classmethod
    def _one_name_per_field(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for name, info in cls.model_fields.items():
            if info.alias and info.alias != name and info.alias in data and name in data:
                raise PydanticCustomError(
                    "duplicate_field",
                    "{alias} and {name} name the same field: give one of them",
                    {"alias": info.alias, "name": name},
                )
        if cls.read_only:
            return {k: v for k, v in data.items() if k not in cls.read_only}
        return data


class CamelOutput(BaseModel):
    """An answer: camelCase names (snake_case accepted when building one in code)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


def refuse_null(value: Any) -> Any:
    """For a field that may be left out but not set to null (validators do not run on
    defaults, so only an explicit null reaches this as None)."""
    if value is None:
        raise PydanticCustomError("required_not_null", "a required field cannot be null")
    return value


def not_nullable(schema: dict[str, Any]) -> None:
    """`json_schema_extra` of a field that may be left out but not null (`refuse_null`):
    pydantic describes `x: str | None = None` as `anyOf: [string, null]`, which would offer
    the null the validator refuses; this drops the null branch from the field's schema."""
    branches = schema.get("anyOf")
    if isinstance(branches, list):
        kept = [b for b in branches if b.get("type") != "null"]
        if len(kept) == 1:
            del schema["anyOf"]
            for key, value in kept[0].items():
                schema.setdefault(key, value)
        else:
            schema["anyOf"] = kept
    if "default" in schema and schema["default"] is None:
        del schema["default"]


def id_text(value: Any) -> Any:
    """An integer id as text (one document has integer supplier, company and user ids).
    JSON Schema counts 7.0 as an integer; beyond ±SAFE_INTEGER no JSON client keeps it exact."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > SAFE_INTEGER:
            raise PydanticCustomError("id_range", "an integer id must be within ±(2^53 - 1)")
        return str(value)
    return value

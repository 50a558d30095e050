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


def id_text(value: Any) -> Any:
    """An integer id as text (one document has integer supplier, company and user ids)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value

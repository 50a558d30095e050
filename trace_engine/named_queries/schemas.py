"""Named query bodies and answers (the bindings' `CreateQuery` and `QueryDefinition`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr

# a name lives in URLs (`/epcis/queries/{name}`): unreserved URL characters only
NAME_PATTERN = r"^[A-Za-z0-9._~-]+$"
NAME_MAX = 200


class NamedQueryCreate(BaseModel):
    """Body of POST /epcis/queries."""

    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(
        min_length=1,
        max_length=NAME_MAX,
        pattern=NAME_PATTERN,
        description="Unique in your org; letters, digits and . _ ~ -",
        examples=["shippedFromDC"],
    )
    query: dict[str, Any] = Field(
        description="EPCIS query parameters as GS1's query-schema.json defines them",
        examples=[{"eventType": ["ObjectEvent"], "EQ_bizStep": ["shipping"]}],
    )


class NamedQueryPublic(BaseModel):
    """A stored named query."""

    name: str
    query: dict[str, Any]
    createdAt: str  # noqa: N815 (the wire name)

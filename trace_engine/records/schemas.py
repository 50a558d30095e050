"""Traceability record bodies and answers (CreateTraceabilityRecordDto, TraceabilityRecordDto),
and the mapping between an answer and the stored node's properties."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field, StrictBool, StrictInt, StrictStr, field_validator
from pydantic.alias_generators import to_camel

from trace_engine.kit.inputs import CamelInput, CamelOutput, id_text, not_nullable, refuse_null
from trace_engine.kit.metadata import Metadata, metadata_text, metadata_value
from trace_engine.kit.paging import page_count

PAGE_SIZE_MAX = 1000

# output-only fields of the DTO: ignored on input, so a client may send back what it read
READ_ONLY_FIELDS = frozenset({"id", "createdAt", "created_at", "updatedAt", "updated_at"})
# fields a PATCH may not clear
REQUIRED_FIELDS = ("product_id", "batch_number", "origin")
# fields whose change means the record's links into the graph change
LINK_FIELDS = frozenset({"product_id", "batch_number", "supplier_id", "processing_facility"})


class _Input(CamelInput):
    """camelCase or snake_case names; read-only DTO fields ignored; anything else unknown → 422."""

    read_only = READ_ONLY_FIELDS


class TraceabilityRecordCreate(_Input):
    """Body of POST /api/v1/traceability (CreateTraceabilityRecordDto)."""

    product_id: StrictStr = Field(
        min_length=1, max_length=512, description="Any product identifier (SKU, GTIN, EPC URN, …)"
    )
    batch_number: StrictStr = Field(min_length=1, max_length=512, description="Batch / lot")
    origin: StrictStr = Field(min_length=1, max_length=1024, description="Where it comes from")
    destination: StrictStr | None = Field(default=None, max_length=1024)
    supplier_id: StrictStr | StrictInt | None = Field(
        default=None, description="A uuid, an integer, or a GLN / SGLN / Food Trust location"
    )
    processing_facility: StrictStr | None = Field(default=None, max_length=1024)
    certifications: StrictStr | None = Field(default=None, max_length=4096)
    is_compliant: StrictBool = False
    user_id: StrictStr | StrictInt | None = None
    company_id: StrictStr | StrictInt | None = None
    notes: StrictStr | None = Field(default=None, max_length=65536)
    metadata: Metadata | None = None


class TraceabilityRecordUpdate(_Input):
    """Body of PATCH /api/v1/traceability/{id}: a field left out is unchanged, a null clears it
    (`isCompliant: null` resets it to false; productId, batchNumber and origin cannot be null)."""

    product_id: StrictStr | None = Field(
        default=None, min_length=1, max_length=512, json_schema_extra=not_nullable
    )
    batch_number: StrictStr | None = Field(
        default=None, min_length=1, max_length=512, json_schema_extra=not_nullable
    )
    origin: StrictStr | None = Field(
        default=None, min_length=1, max_length=1024, json_schema_extra=not_nullable
    )
    destination: StrictStr | None = Field(default=None, max_length=1024)
    supplier_id: StrictStr | StrictInt | None = None
    processing_facility: StrictStr | None = Field(default=None, max_length=1024)
    certifications: StrictStr | None = Field(default=None, max_length=4096)
    is_compliant: StrictBool | None = None
    user_id: StrictStr | StrictInt | None = None
    company_id: StrictStr | StrictInt | None = None
    notes: StrictStr | None = Field(default=None, max_length=65536)
    metadata: Metadata | None = None

    @field_validator(*REQUIRED_FIELDS)
    @classmethod
    def _not_null(cls, value: str | None) -> str:
        return refuse_null(value)


class TraceabilityRecordPublic(CamelOutput):
    """A stored record (TraceabilityRecordDto)."""

    id: str
    product_id: str
    batch_number: str
    origin: str
    destination: str | None = None
    supplier_id: str | None = None
    processing_facility: str | None = None
    certifications: str | None = None
    is_compliant: bool = False
    user_id: str | None = None
    company_id: str | None = None
    notes: str | None = None
    metadata: dict[str, Any] | None = None
    created_at: str = Field(examples=["2026-04-21T10:00:00.000Z"])
    updated_at: str = Field(examples=["2026-04-21T10:00:00.000Z"])


@dataclass(frozen=True, slots=True)
class RecordPage:
    """One page of records and how many match in all."""

    records: list[TraceabilityRecordPublic]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        """How many pages of `size` the matching records fill."""
        return page_count(self.total, self.size)


# -- stored properties ⇄ DTO -----------------------------------------------------------------

_TEXT_FIELDS = (
    "product_id",
    "batch_number",
    "origin",
    "destination",
    "processing_facility",
    "certifications",
    "notes",
)
_ID_FIELDS = ("supplier_id", "user_id", "company_id")


def stored_value(name: str, value: Any) -> Any:
    """A field's value as stored on the node (ids as text, metadata as JSON text)."""
    if value is None:
        return False if name == "is_compliant" else None
    if name in _ID_FIELDS:
        return id_text(value)
    if name == "metadata":
        return metadata_text(value)
    return value


def public_record(props: dict[str, Any]) -> TraceabilityRecordPublic:
    """The DTO of a stored record node's properties."""
    fields: dict[str, Any] = {name: props.get(to_camel(name)) for name in _TEXT_FIELDS}
    fields |= {name: props.get(to_camel(name)) for name in _ID_FIELDS}
    metadata = props.get("metadata")
    return TraceabilityRecordPublic(
        id=props["id"],
        is_compliant=bool(props.get("isCompliant", False)),
        metadata=metadata_value(metadata),
        created_at=props["createdAt"],
        updated_at=props["updatedAt"],
        **fields,
    )


def record_json(props: dict[str, Any]) -> dict[str, Any]:
    """The DTO of a stored record as JSON-ready camelCase (for the trace's records block)."""
    return public_record(props).model_dump(mode="json", by_alias=True)

"""Traceability records: a per-batch audit trail of one org, linked into the graph.

A record names a product (`productId`) and a batch (`batchNumber`) in whatever form the client
uses. Where those parse as identifiers (any form `trace_engine.identifiers` reads, or a bare
GTIN), the record is linked by canonical key: to the Product, and to the ProductInstance of the
lot (`01/{gtin14}/10/{lot}`), merged if absent so a later capture of that lot lands on the same
node. A supplier or processing facility given as a GLN / SGLN / Food Trust location is linked
the same way; any other URI is linked only to a node that exists; plain strings are stored only.

Records are strictly per org: another org's record is "not found" everywhere.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote

from biip import ParseError
from biip.gtin import Gtin
from neo4j import AsyncDriver, AsyncManagedTransaction
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from trace_engine.errors import InvalidIdentifier, NotFound
from trace_engine.graph import records as repo
from trace_engine.identifiers import Identifier, parse_identifier

METADATA_MAX_BYTES = 64 * 1024
"""The largest `metadata` accepted, in bytes of its compact UTF-8 JSON text."""

PAGE_SIZE_MAX = 1000

# output-only fields of the DTO: ignored on input, so a client may send back what it read
READ_ONLY_FIELDS = frozenset({"id", "createdAt", "created_at", "updatedAt", "updated_at"})
# fields a PATCH may not clear
REQUIRED_FIELDS = ("product_id", "batch_number", "origin")
# fields whose change means the record's links into the graph change
LINK_FIELDS = frozenset({"product_id", "batch_number", "supplier_id", "processing_facility"})


def _metadata_text(value: dict[str, Any]) -> str:
    """The metadata as the JSON text stored; 422 (naming the field) if too large or not JSON."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        raise PydanticCustomError(
            "metadata_not_json", "metadata holds NaN or Infinity, which JSON cannot carry"
        ) from None
    size = len(text.encode("utf-8"))
    if size > METADATA_MAX_BYTES:
        raise PydanticCustomError(
            "metadata_too_large",
            "metadata is {size} bytes as JSON, more than the limit of {limit} bytes",
            {"size": size, "limit": METADATA_MAX_BYTES},
        )
    return text


class _Input(BaseModel):
    """camelCase or snake_case names; read-only DTO fields ignored; anything else unknown → 422."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

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
        return {k: v for k, v in data.items() if k not in READ_ONLY_FIELDS}

    @field_validator("metadata", check_fields=False)
    @classmethod
    def _metadata_fits(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            _metadata_text(value)
        return value


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
    metadata: dict[str, Any] | None = Field(
        default=None, description=f"Any JSON object, at most {METADATA_MAX_BYTES} bytes as JSON"
    )


class TraceabilityRecordUpdate(_Input):
    """Body of PATCH /api/v1/traceability/{id}: a field left out is unchanged, a null clears it
    (`isCompliant: null` resets it to false; productId, batchNumber and origin cannot be null)."""

    product_id: StrictStr | None = Field(default=None, min_length=1, max_length=512)
    batch_number: StrictStr | None = Field(default=None, min_length=1, max_length=512)
    origin: StrictStr | None = Field(default=None, min_length=1, max_length=1024)
    destination: StrictStr | None = Field(default=None, max_length=1024)
    supplier_id: StrictStr | StrictInt | None = None
    processing_facility: StrictStr | None = Field(default=None, max_length=1024)
    certifications: StrictStr | None = Field(default=None, max_length=4096)
    is_compliant: StrictBool | None = None
    user_id: StrictStr | StrictInt | None = None
    company_id: StrictStr | StrictInt | None = None
    notes: StrictStr | None = Field(default=None, max_length=65536)
    metadata: dict[str, Any] | None = None

    @field_validator(*REQUIRED_FIELDS)
    @classmethod
    def _not_null(cls, value: str | None) -> str:
        if value is None:
            raise PydanticCustomError("required_not_null", "a required field cannot be null")
        return value


class TraceabilityRecordPublic(BaseModel):
    """A stored record (TraceabilityRecordDto)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

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
        return math.ceil(self.total / self.size) if self.size else 0


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


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def stored_value(name: str, value: Any) -> Any:
    """A field's value as stored on the node (ids as text, metadata as JSON text)."""
    if value is None:
        return False if name == "is_compliant" else None
    if name in _ID_FIELDS:
        return str(value)
    if name == "metadata":
        return _metadata_text(value)
    return value


def public_record(props: dict[str, Any]) -> TraceabilityRecordPublic:
    """The DTO of a stored record node's properties."""
    fields: dict[str, Any] = {name: props.get(to_camel(name)) for name in _TEXT_FIELDS}
    fields |= {name: props.get(to_camel(name)) for name in _ID_FIELDS}
    metadata = props.get("metadata")
    return TraceabilityRecordPublic(
        id=props["id"],
        is_compliant=bool(props.get("isCompliant", False)),
        metadata=json.loads(metadata) if metadata is not None else None,
        created_at=props["createdAt"],
        updated_at=props["updatedAt"],
        **fields,
    )


def record_json(props: dict[str, Any]) -> dict[str, Any]:
    """The DTO of a stored record as JSON-ready camelCase (for the trace's records block)."""
    return public_record(props).model_dump(mode="json", by_alias=True)


# -- linking into the graph ------------------------------------------------------------------


def _identifier(value: str) -> Identifier | None:
    """The identifier `value` is, if any: any form parse_identifier reads, or a bare GTIN."""
    value = value.strip()
    if value.isdigit() and len(value) in (8, 12, 13, 14):
        try:
            gtin = Gtin.parse(value).as_gtin_14()
        except ParseError:
            return None
        value = f"https://id.gs1.org/01/{gtin}"
    try:
        return parse_identifier(value)
    except InvalidIdentifier:
        return None


def product_key(product_id: str) -> str:
    """What records are filtered by: the canonical key of an identifier, else the value."""
    ident = _identifier(product_id)
    if ident is None:
        return product_id
    if ident.kind == "instance" and ident.product_key:
        return ident.product_key
    return ident.key


def _target(
    ident: Identifier, label: str, create: bool, product: str | None = None
) -> dict[str, Any]:
    display = ident.raw
    return {
        "key": ident.key,
        "displayId": display,
        "aliases": [display] if display != ident.key else [],
        "label": label,
        "create": create,
        "productKey": product,
    }


def _lot_forms(product: Identifier, lot: str) -> list[str]:
    """Forms of the lot `lot` of `product`, in the product's family first, Digital Link last."""
    forms = []
    raw = product.raw
    if raw.startswith("urn:epc:idpat:sgtin:") and raw.endswith(".*"):
        forms.append(f"urn:epc:class:lgtin:{raw[20:-2]}.{quote(lot, safe='')}")
    elif raw.startswith("urn:ibm:ift:product:class:"):
        forms.append(f"urn:ibm:ift:product:lot:class:{raw[26:]}.{quote(lot, safe='')}")
    if product.key.startswith("01/") and len(product.key) == 17:
        forms.append(f"https://id.gs1.org/{product.key}/10/{quote(lot, safe='')}")
    return forms


def instance_of(product: Identifier | None, batch_number: str) -> Identifier | None:
    """The product instance a productId + batchNumber names, if it can be keyed."""
    batch = _identifier(batch_number) if ":" in batch_number else None
    if batch is not None and batch.kind == "instance":
        return batch
    if product is None or product.kind != "product":
        return None
    for form in _lot_forms(product, batch_number):
        ident = _identifier(form)
        if ident is not None and ident.kind == "instance":
            return ident
    return None


def links(
    product_id: str,
    batch_number: str,
    supplier_id: str | None,
    processing_facility: str | None,
) -> dict[str, dict[str, Any] | None]:
    """The link targets of a record (records_link.cypher's parameters)."""
    result: dict[str, dict[str, Any] | None] = {
        "product": None,
        "instance": None,
        "supplier": None,
        "facility": None,
    }
    product = _identifier(product_id)
    if product is not None and product.kind in ("product", "other"):
        result["product"] = _target(product, "Product", product.kind == "product")
    instance = instance_of(product, batch_number)
    if instance is not None:
        if result["product"] is None and instance.product_key:
            result["product"] = {
                "key": instance.product_key,
                "displayId": instance.product_raw,
                "aliases": [],
                "label": "Product",
                "create": False,
                "productKey": None,
            }
        result["instance"] = _target(instance, "ProductInstance", True, instance.product_key)
    supplier = _identifier(supplier_id) if supplier_id else None
    if supplier is not None and supplier.kind in ("party", "location", "other"):
        label = "Party" if supplier.kind == "party" else "Facility"
        result["supplier"] = _target(supplier, label, supplier.kind != "other")
    facility = _identifier(processing_facility) if processing_facility else None
    if facility is not None and facility.kind in ("location", "other"):
        result["facility"] = _target(facility, "Facility", facility.kind == "location")
    return result


def _links_of(props: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
    return links(
        props["productId"],
        props["batchNumber"],
        props.get("supplierId"),
        props.get("processingFacility"),
    )


# -- the service -----------------------------------------------------------------------------


class RecordService:
    """Records of the caller's org; every write is one managed transaction."""

    kind: ClassVar[str] = "traceability record"

    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        on_change: Callable[[Iterable[str]], object] | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        # told the product instances whose traces show a changed record (the trace cache)
        self.on_change = on_change

    def _changed(self, instances: Iterable[str]) -> None:
        if self.on_change is not None:
            self.on_change(list(instances))

    async def create(
        self, org: str, body: TraceabilityRecordCreate, user_id: str | None = None
    ) -> TraceabilityRecordPublic:
        """Store a new record of `org` and link it into the graph."""
        now = _now()
        props: dict[str, Any] = {
            to_camel(name): stored_value(name, getattr(body, name))
            for name in TraceabilityRecordCreate.model_fields
        }
        if props["userId"] is None and user_id is not None:
            props["userId"] = user_id
        props |= {
            "id": str(uuid.uuid4()),
            "org": org,
            "productKey": product_key(body.product_id),
            "createdAt": now,
            "updatedAt": now,
        }
        props = {k: v for k, v in props.items() if v is not None}
        async with self.driver.session(database=self.database) as session:
            stored, instances = await session.execute_write(repo.create, props, _links_of(props))
        self._changed(instances)
        return public_record(stored)

    async def get(self, org: str, record_id: str) -> TraceabilityRecordPublic:
        """The record, if it is `org`'s (NotFound otherwise, whether or not it exists)."""
        async with self.driver.session(database=self.database) as session:
            stored = await session.execute_read(repo.get, record_id, org)
        if stored is None:
            raise NotFound(self.kind, record_id)
        return public_record(stored)

    async def find(
        self,
        org: str,
        page: int = 0,
        size: int = 20,
        product_id: str | None = None,
        batch_number: str | None = None,
    ) -> RecordPage:
        """One page of `org`'s records, oldest first, with the filters combined (AND).

        productId matches every form of the same identifier (an EPC pattern finds records
        made with the GTIN's Digital Link); batchNumber matches exactly."""
        key = product_key(product_id) if product_id is not None else None
        async with self.driver.session(database=self.database) as session:
            total, rows = await session.execute_read(
                repo.listing, org, key, batch_number, page * size, size
            )
        return RecordPage([public_record(r) for r in rows], total, page, size)

    async def update(
        self, org: str, record_id: str, body: TraceabilityRecordUpdate
    ) -> TraceabilityRecordPublic:
        """Apply the fields the body sets (null clears); relink when an identifier changed."""
        given = body.model_fields_set
        if not given:
            return await self.get(org, record_id)
        changes = {to_camel(n): stored_value(n, getattr(body, n)) for n in given}
        if "productId" in changes:
            changes["productKey"] = product_key(changes["productId"])
        changes["updatedAt"] = _now()
        relink = bool(given & LINK_FIELDS)

        async with self.driver.session(database=self.database) as session:
            result = await session.execute_write(self._update, record_id, org, changes, relink)
        if result is None:
            raise NotFound(self.kind, record_id)
        stored, instances = result
        self._changed(instances)
        return public_record(stored)

    @staticmethod
    async def _update(
        tx: AsyncManagedTransaction,
        record_id: str,
        org: str,
        changes: dict[str, Any],
        relink: bool,
    ) -> tuple[dict[str, Any], list[str]] | None:
        current = await repo.get(tx, record_id, org)
        if current is None:
            return None
        merged = current | changes
        return await repo.update(tx, record_id, org, changes, _links_of(merged) if relink else None)

    async def delete(self, org: str, record_id: str) -> None:
        """Delete `org`'s record (NotFound if it has none of that id)."""
        async with self.driver.session(database=self.database) as session:
            instances = await session.execute_write(repo.delete, record_id, org)
        if instances is None:
            raise NotFound(self.kind, record_id)
        self._changed(instances)

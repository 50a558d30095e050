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

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote

from neo4j import AsyncDriver, AsyncManagedTransaction
from pydantic import (
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
)
from pydantic.alias_generators import to_camel

from trace_engine.errors import NotFound
from trace_engine.graph import records as repo
from trace_engine.identifiers import ALL_KINDS, Identifier, identify, resolve_key
from trace_engine.kit.inputs import CamelInput, CamelOutput, id_text, not_nullable, refuse_null
from trace_engine.kit.metadata import Metadata, metadata_text, metadata_value
from trace_engine.kit.paging import page_count
from trace_engine.kit.timestamps import now_utc

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


# -- linking into the graph ------------------------------------------------------------------


def _identify(value: str) -> Identifier | None:
    return identify(value, bare_gtin=True)


def product_key(product_id: str) -> str:
    """What records are filtered by: the canonical key of an identifier (an instance's product
    class for an instance, a bare GTIN's class), else the value itself."""
    key = resolve_key(product_id, *ALL_KINDS, instances_as_products=True, bare_gtin=True)
    return key if key is not None else product_id


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
    batch = _identify(batch_number) if ":" in batch_number else None
    if batch is not None and batch.kind == "instance":
        return batch
    if product is None or product.kind != "product":
        return None
    for form in _lot_forms(product, batch_number):
        ident = _identify(form)
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
    product = _identify(product_id)
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
    supplier = _identify(supplier_id) if supplier_id else None
    if supplier is not None and supplier.kind in ("party", "location", "other"):
        label = "Party" if supplier.kind == "party" else "Facility"
        result["supplier"] = _target(supplier, label, supplier.kind != "other")
    facility = _identify(processing_facility) if processing_facility else None
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
        now = now_utc()
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
        changes["updatedAt"] = now_utc()
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

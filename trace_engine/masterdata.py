"""Master data and payloads outside EPCIS capture: facilities, products, attached documents.

Identifiers arrive in any supported form and are stored under the canonical key ingest uses,
so `PUT /api/v1/facilities/urn:epc:id:sgln:…` and an event's bizLocation in Digital Link form
name the same Facility node.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from neo4j import Driver, ManagedTransaction
from pydantic import AfterValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from trace_engine.enterprise.schemas import ComplianceStatus, FarmFields
from trace_engine.enterprise.service import FARM_ATTRIBUTES, EnterpriseService, is_farm_type
from trace_engine.errors import InvalidIdentifier, NotFound
from trace_engine.graph import masterdata as repo
from trace_engine.graph.access import write_tx
from trace_engine.identifiers import Identifier, parse_identifier
from trace_engine.ingest.master_data import check_statement
from trace_engine.kit.bounds import MAX_ID_LENGTH, MAX_NAME_LENGTH, BoundedDatetime
from trace_engine.kit.inputs import CamelInput, CamelOutput
from trace_engine.kit.metadata import METADATA_MAX_BYTES, content_fits
from trace_engine.kit.timestamps import utc_millis

_ADDRESS_FIELDS = ("street", "city", "state", "postalCode", "country")
_FACILITY_KINDS = frozenset({"location", "other"})


class Address(CamelInput):
    """A facility's postal address."""

    street: str | None = Field(default=None, max_length=1000)
    city: str | None = Field(default=None, max_length=500)
    state: str | None = Field(default=None, max_length=500)
    postal_code: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=500)


class FacilityUpdate(CamelInput):
    """Body of PUT /api/v1/facilities/{id}: the facility's managed fields (absent ones cleared).

    The farm fields (camelCase or snake_case) are the caller's org's statement about the
    facility: given any of them, or `type` FARM, the facility is one of the org's farms
    (`GET /api/v1/farms`); `complianceStatus` is `pending` unless given.
    """

    name: str | None = Field(default=None, max_length=MAX_NAME_LENGTH)
    type: str | None = Field(
        default=None, max_length=100, examples=["FARM", "PROCESSOR", "DC", "STORE"]
    )
    address: Address = Field(default_factory=Address)
    farmer_name: str | None = Field(default=None, min_length=1, max_length=500)
    farmer_id: str | None = Field(default=None, min_length=1, max_length=500)
    phone: str | None = Field(default=None, min_length=1, max_length=500)
    community: str | None = Field(default=None, min_length=1, max_length=500)
    area_hectares: float | None = Field(default=None, ge=0, le=1e7)
    commodity: str | None = Field(default=None, min_length=1, max_length=500)
    compliance_status: ComplianceStatus | None = None

    def farm(self) -> FarmFields | None:
        """The farm fields, or None if the body does not say the facility is a farm."""
        fields = FarmFields.model_validate(
            {name: getattr(self, name) for name in FarmFields.model_fields}
        )
        return fields if fields.given() or is_farm_type(self.type) else None


class FarmStatement(CamelOutput):
    """The caller's org's farm fields of a facility."""

    farmer_name: str | None = None
    farmer_id: str | None = None
    phone: str | None = None
    community: str | None = None
    area_hectares: float | None = None
    commodity: str | None = None
    compliance_status: ComplianceStatus


class FacilityPublic(CamelOutput):
    """A stored facility."""

    id: str = Field(description="canonical key, e.g. 414/0614141007770")
    display_id: str = Field(description="the identifier as given in this request")
    name: str | None = None
    type: str | None = None
    address: Address
    aliases: list[str] = Field(description="the form given, when it is not the canonical key")
    farm: FarmStatement | None = Field(
        default=None, description="your org's farm fields, when it says this is a farm"
    )


class ProductUpdate(CamelInput):
    """Body of PUT /api/v1/products/{id}: the product class's managed fields."""

    name: str | None = Field(default=None, max_length=MAX_NAME_LENGTH)
    sku: str | None = Field(default=None, max_length=500)


class ProductPublic(CamelOutput):
    """A stored product class."""

    id: str = Field(description="canonical key, e.g. 01/00614141107346")
    display_id: str
    name: str | None = None
    sku: str | None = None
    aliases: list[str]


def _one_target(schema: dict[str, Any]) -> None:
    # the JSON Schema of "at least one of the lists is not empty"
    schema["anyOf"] = [
        {"required": [name], "properties": {name: {"minItems": 1}}}
        for name in ("events", "facilities", "products", "productInstances")
    ]


class PayloadTargets(CamelInput):
    """What a payload is attached to: eventIDs, and identifiers in any supported form."""

    model_config = ConfigDict(json_schema_extra=_one_target)

    events: list[str] = Field(default_factory=list)
    facilities: list[str] = Field(default_factory=list)
    products: list[str] = Field(default_factory=list)
    product_instances: list[str] = Field(default_factory=list)

    def is_empty(self) -> bool:
        """True if the payload would be attached to nothing."""
        return not (self.events or self.facilities or self.products or self.product_instances)


class PayloadCreate(CamelInput):
    """Body of POST /api/v1/payloads."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(
        default_factory=lambda: f"urn:uuid:{uuid.uuid4()}", min_length=1, max_length=MAX_ID_LENGTH
    )
    time: BoundedDatetime
    content: Annotated[str, AfterValidator(content_fits)] = Field(
        max_length=METADATA_MAX_BYTES,
        description=f"At most {METADATA_MAX_BYTES} bytes in UTF-8 (the metadata limit)",
    )
    content_type: str = Field(max_length=255, examples=["application/json"])
    type_uri: str = Field(max_length=MAX_ID_LENGTH)
    attached_to: PayloadTargets

    @model_validator(mode="after")
    def _attached_somewhere(self) -> PayloadCreate:
        if self.attached_to.is_empty():
            # not ValueError: its ctx would hold the exception object, which is not JSON
            raise PydanticCustomError(
                "no_target", "attachedTo names no event, facility, product or product instance"
            )
        return self


class PayloadPublic(CamelOutput):
    """A stored payload, with every target it is attached to (canonical keys)."""

    id: str
    time: str
    content: str
    content_type: str
    type_uri: str
    attached_to: PayloadTargets


def _parse(raw: str) -> Identifier:
    return parse_identifier(raw.strip())


def _aliases(ident: Identifier) -> list[str]:
    return [ident.raw] if ident.raw != ident.key else []


def _farm_statement(profile: dict[str, Any]) -> FarmStatement:
    return FarmStatement.model_validate({name: profile.get(name) for name in FARM_ATTRIBUTES})


class MasterDataService:
    """Writes facilities, products and payloads; each call is one managed transaction."""

    def __init__(
        self,
        driver: Driver,
        database: str,
        on_change: Callable[[], object] | None = None,
        enterprise: EnterpriseService | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self.enterprise = enterprise or EnterpriseService(driver, database)
        # told after every committed change (the trace cache drops everything: master data
        # and payloads appear in traces without any event being captured)
        self.on_change = on_change

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def put_facility(self, raw_id: str, update: FacilityUpdate, org: str) -> FacilityPublic:
        """Create or replace `org`'s name, type and address of a facility (its own statement:
        another org's statement about the same facility is neither read nor changed)."""
        ident = _parse(raw_id)
        if ident.kind not in _FACILITY_KINDS:
            raise InvalidIdentifier(raw_id, f"names a {ident.kind}, not a location")
        props: dict[str, Any] = {"name": update.name, "type": update.type}
        props |= update.address.model_dump(by_alias=True)
        farm = update.farm()
        check_statement(ident, org, "Facility", "FacilityData", farm is not None)

        def write(tx: ManagedTransaction) -> tuple[dict[str, Any], dict[str, Any] | None]:
            stored = repo.put_facility(tx, ident.key, ident.raw, _aliases(ident), org, props)
            return stored, self.enterprise.state_farm(tx, org, ident.key, farm)

        with self.driver.session(database=self.database) as session:
            stored, profile = write_tx(session, write)
        self._changed()
        # the identifier as the caller gave it: never a form another org used (an oracle)
        return FacilityPublic(
            id=stored["id"],
            display_id=ident.raw,
            name=stored.get("name"),
            type=stored.get("type"),
            address=Address.model_validate({k: stored.get(k) for k in _ADDRESS_FIELDS}),
            aliases=_aliases(ident),
            farm=None
            if profile is None
            else FarmStatement.model_validate(
                {name: profile.get(name) for name in FARM_ATTRIBUTES}
            ),
        )

    def put_product(self, raw_id: str, update: ProductUpdate, org: str) -> ProductPublic:
        """Create or replace `org`'s name and SKU of a product class (its own statement)."""
        ident = _parse(raw_id)
        if ident.kind != "product":
            raise InvalidIdentifier(raw_id, f"names a {ident.kind}, not a product class")
        props = {"name": update.name, "sku": update.sku}
        check_statement(ident, org, "Product", "ProductData", farm=False)
        with self.driver.session(database=self.database) as session:
            stored = write_tx(
                session, repo.put_product, ident.key, ident.raw, _aliases(ident), org, props
            )
        self._changed()
        return ProductPublic(
            id=stored["id"],
            display_id=ident.raw,
            name=stored.get("name"),
            sku=stored.get("sku"),
            aliases=_aliases(ident),
        )

    def add_payload(
        self, payload: PayloadCreate, org: str, visible: Iterable[str] = ()
    ) -> PayloadPublic:
        """Store `org`'s payload and attach it to its targets, all of which the org must be able
        to name (NotFound otherwise): its own events; facilities, products and instances that
        it or a `visible` org (one sharing with it) has said something about.

        A payload is `org`'s statement: its identity is (org, id), so another org's payload
        with the same id is another payload, never a conflict."""
        given = payload.attached_to
        targets = {
            "events": list(dict.fromkeys(given.events)),
            "facilities": list(dict.fromkeys(_parse(i).key for i in given.facilities)),
            "products": list(dict.fromkeys(_parse(i).key for i in given.products)),
            "productInstances": list(dict.fromkeys(_parse(i).key for i in given.product_instances)),
        }
        node = {
            "id": payload.id,
            "time": utc_millis(payload.time),
            "content": payload.content,
            "contentType": payload.content_type,
            "typeUri": payload.type_uri,
            "owner": org,
        }
        with self.driver.session(database=self.database) as session:
            stored = write_tx(session, _attach, node, sorted({org, *visible}), targets)
        self._changed()
        return PayloadPublic(
            id=stored["id"],
            time=stored["time"],
            content=stored["content"],
            content_type=stored["contentType"],
            type_uri=stored["typeUri"],
            attached_to=PayloadTargets(
                events=sorted(stored["events"]),
                facilities=sorted(stored["facilities"]),
                products=sorted(stored["products"]),
                product_instances=sorted(stored["productInstances"]),
            ),
        )


def _attach(
    tx: ManagedTransaction, node: dict[str, Any], orgs: list[str], targets: dict[str, list[str]]
) -> dict[str, Any]:
    """Check then write in one transaction, so a missing target leaves nothing behind."""
    missing = repo.missing_payload_targets(tx, node["owner"], orgs, targets)
    absent = "; ".join(f"{kind} {', '.join(ids)}" for kind, ids in missing.items() if ids)
    if absent:
        raise NotFound("payload target", absent)
    return repo.attach_payload(tx, node, targets)

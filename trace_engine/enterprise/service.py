# Long on purpose: one job (enterprise listings) sharing the readiness rules.
"""The enterprise listings: farms, collection batches and shipments of one org, from the graph.

Farms are the org's farm statements about facilities (`FarmProfile`). Batch rows and
shipments are derived from the org's events in the same transaction that writes them
(`refresh_after_ingest`), so a listing is a page of an indexed label. Readiness is computed at
read time from the lineage the caller may see and the farms' current compliance status, so it
is never stale. `docs/enterprise.md` describes the whole model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import orjson
from neo4j import Driver, ManagedTransaction
from pydantic import ValidationError

from trace_engine.enterprise import repository as repo
from trace_engine.enterprise.readiness import (
    LotFacts,
    Readiness,
    Transformation,
    compute_readiness,
)
from trace_engine.enterprise.schemas import (
    Batch,
    BatchPage,
    ComplianceStatus,
    Farm,
    FarmEvidence,
    FarmFields,
    FarmPage,
    Meta,
    ReadinessEvidence,
    Shipment,
    ShipmentDeclare,
    ShipmentPage,
)
from trace_engine.enterprise.status import (
    SHIPPING_STEP,
    BatchFacts,
    Collection,
    batch_row,
    to_kilograms,
)
from trace_engine.epcis.model import Event, FacilityData
from trace_engine.errors import InvalidIdentifier, InvalidInput, NotFound
from trace_engine.graph.access import read_tx, write_tx
from trace_engine.identifiers import parse_identifier
from trace_engine.kit.timestamps import now_utc
from trace_engine.visibility import precedence

FARM_TYPE = "FARM"
FARM_ATTRIBUTE_PREFIX = "urn:trace-engine:mda:"
# EPCIS master-data attribute (urn:trace-engine:mda:<name>) → farm field
FARM_ATTRIBUTES = {
    "farmerName": "farmer_name",
    "farmerId": "farmer_id",
    "phone": "phone",
    "community": "community",
    "areaHectares": "area_hectares",
    "commodity": "commodity",
    "complianceStatus": "compliance_status",
}
_PROFILE_PROPS = {snake: camel for camel, snake in FARM_ATTRIBUTES.items()}
_SOURCE_PARTY_TYPES = (
    "urn:epcglobal:cbv:sdt:owning_party",
    "urn:epcglobal:cbv:sdt:possessing_party",
)


def org_key(org: str, ident: str) -> str:
    """The unique key of an org's statement about a thing: the JSON text of [org, id]."""
    return orjson.dumps([org, ident]).decode()


def is_farm_type(value: object) -> bool:
    """True if a facility type names a farm (any case)."""
    return isinstance(value, str) and value.strip().upper() == FARM_TYPE


def profile_props(fields: FarmFields) -> dict[str, Any]:
    """A FarmProfile's properties (every field, null when absent; pending by default)."""
    props: dict[str, Any] = {
        _PROFILE_PROPS[name]: value for name, value in fields.model_dump(mode="json").items()
    }
    props["complianceStatus"] = props["complianceStatus"] or ComplianceStatus.PENDING.value
    return props


def farm_fields_of(facility: FacilityData) -> FarmFields | None:
    """The farm fields an EPCIS master-data element states, or None if it is not a farm.

    InvalidInput names the element and attribute of a value that is not acceptable.
    """
    given: dict[str, Any] = {}
    for camel, snake in FARM_ATTRIBUTES.items():
        value = facility.attributes.get(FARM_ATTRIBUTE_PREFIX + camel)
        if value is not None:
            given[snake] = value
    # a phone alone does not make a farm (FSMA 204 master data gives every facility one)
    if not (set(given) - {"phone"}) and not is_farm_type(facility.attributes.get("type")):
        return None
    try:
        return FarmFields.model_validate(given)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = _PROFILE_PROPS.get(str(first["loc"][0]), str(first["loc"][0]))
        raise InvalidInput(
            f"epcisMasterData {facility.id.raw}",
            f"farm attribute {FARM_ATTRIBUTE_PREFIX}{field}: {first['msg']}",
        ) from exc


# -- ingest: derive batches and shipments in the writing transaction ---------------------------


def state_farms(
    tx: ManagedTransaction, org: str, farms: Iterable[tuple[str, FarmFields]]
) -> list[str]:
    """Write the org's farm statements about facilities (canonical keys); return the ids of
    those stated for the first time (the lots collected there may be batches now; a statement
    made again changes no batch)."""
    rows = [
        {"key": org_key(org, facility), "facilityId": facility, "props": profile_props(fields)}
        for facility, fields in farms
    ]
    return repo.put_farm_profiles(tx, org, rows, now_utc()) if rows else []


def collection_of(raw: dict[str, Any]) -> Collection:
    """A collection event as `enterprise_batch_facts.cypher` returns it → `Collection`."""
    # the first source party of each type in the event's sourceList (`seq`; the graph returns
    # an event's relationships in no set order)
    listed = sorted(raw["agents"], key=lambda a: a.get("seq") or 0)
    agents = {a["type"]: a["id"] for a in reversed(listed)}
    agent = next((agents[t] for t in _SOURCE_PARTY_TYPES if t in agents), None)
    return Collection(
        event_id=raw["eventID"],
        event_time=raw["eventTime"],
        record_time=raw["recordTime"] or raw["eventTime"],
        farm_id=raw["farmId"],
        agent_id=agent,
        quantities=tuple((q, u) for q, u in raw["quantities"]),
    )


def refresh_batches(
    tx: ManagedTransaction,
    org: str,
    touched: list[str],
    facilities: list[str] = (),  # type: ignore[assignment]
) -> int:
    """Re-derive the org's batch rows a write may have changed; return how many."""
    if not touched and not facilities:
        return 0
    lots = repo.batch_candidates(tx, org, touched, list(facilities))
    if not lots:
        return 0
    rows = []
    for raw in repo.batch_facts(tx, org, lots):
        facts = BatchFacts(
            lot_id=raw["id"],
            collections=tuple(collection_of(c) for c in raw["collections"]),
            later_events=raw["later"],
            aggregated=raw["aggregated"],
            shipped=raw["shipped"],
        )
        row = batch_row(facts)
        if row is not None:
            props = row.properties()
            props["rank"] = f"{repo.org_json(org)} {row.created_at} {row.id}"
            props["statusRank"] = f"{repo.org_json(org)} {row.status} {row.created_at} {row.id}"
            rows.append({"key": org_key(org, row.id), "lotId": row.id, "props": props})
    repo.write_batches(tx, org, rows)
    return len(rows)


def _shipped_objects(event: Event) -> list[dict[str, Any]]:
    objects: dict[str, dict[str, Any]] = {}
    things = [*event.epcs, *([event.parent] if event.parent is not None else [])]
    for ident in things:
        if ident.kind != "product":
            objects.setdefault(ident.key, {"id": ident.key, "quantity": None, "uom": None})
    for qty in event.quantities:
        if qty.epc_class.kind != "product":
            objects[qty.epc_class.key] = {
                "id": qty.epc_class.key,
                "quantity": qty.quantity,
                "uom": qty.uom,
            }
    return list(objects.values())


def shipping_rows(org: str, events: Iterable[Event], record_time: str) -> list[dict[str, Any]]:
    """The shipment rows of the org's shipping events."""
    rows = []
    for event in events:
        if event.biz_step != SHIPPING_STEP or event.action == "DELETE":
            continue
        objects = _shipped_objects(event)
        if not objects:
            continue
        code = next((value for _, value in event.biz_transactions), None)
        rows.append(
            {
                "eventID": event.event_id,
                "key": org_key(org, event.event_id),
                "eventTime": event.event_time_utc,
                "objects": objects,
                "props": {
                    "id": event.event_id,
                    "source": "event",
                    "status": "shipped",
                    "shipmentCode": code or event.event_id,
                    "estimatedShipDate": event.event_time_utc[:10],
                    "createdAt": record_time,
                },
            }
        )
    return rows


def farm_statements(facilities: Sequence[FacilityData]) -> list[tuple[str, FarmFields]]:
    """The farm statements of a document's master data (InvalidInput names a bad one)."""
    return [(f.id.key, fields) for f in facilities if (fields := farm_fields_of(f)) is not None]


def touched_instances(events: Iterable[Event]) -> list[str]:
    """The canonical keys of every product instance the events name."""
    keys: set[str] = set()
    for e in events:
        things = (*e.epcs, *e.input_epcs, *e.output_epcs, *([e.parent] if e.parent else []))
        keys.update(i.key for i in things if i.kind != "product")
        quantities = (*e.quantities, *e.input_quantities, *e.output_quantities)
        keys.update(q.epc_class.key for q in quantities if q.epc_class.kind != "product")
    return sorted(keys)


def refresh_after_ingest(
    tx: ManagedTransaction,
    org: str,
    events: Sequence[Event],
    farms: Sequence[tuple[str, FarmFields]],
    record_time: str,
) -> None:
    """Run by ingest after each committed batch: the org's farm statements from the
    document's master data, then (for an org that uses the listings) its shipments and the
    batch rows the events may have changed."""
    stated = state_farms(tx, org, farms)
    if not events and not stated:
        return
    if not farms and not repo.org_active(tx, org):
        return
    shipping = shipping_rows(org, events, record_time)
    if shipping:
        repo.write_shipping(tx, org, shipping)
    refresh_batches(tx, org, touched_instances(events), stated)


# -- reads -------------------------------------------------------------------------------------


def _farm(profile: dict[str, Any]) -> Farm:
    return Farm(
        id=profile["facilityId"],
        farmer_name=profile.get("farmerName"),
        farmer_id=profile.get("farmerId"),
        phone=profile.get("phone"),
        community=profile.get("community"),
        area_hectares=profile.get("areaHectares"),
        commodity=profile.get("commodity"),
        compliance_status=profile.get("complianceStatus") or ComplianceStatus.PENDING,
        created_at=profile["createdAt"],
    )


def _batch(row: dict[str, Any]) -> Batch:
    return Batch(
        id=row["id"],
        farm_id=row["farmId"],
        agent_id=row.get("agentId"),
        status=row["status"],
        total_weight=row.get("totalWeight") or 0.0,
        bag_count=row.get("bagCount") or 0,
        notes=row.get("notes"),
        collected_at=row["collectedAt"],
        created_at=row["createdAt"],
    )


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _lot_facts(raw: dict[str, Any]) -> LotFacts:
    measures = sorted(
        (time, kg)
        for time, quantity, uom in raw["measures"]
        if (kg := to_kilograms(quantity, uom)) is not None
    )
    return LotFacts(
        id=raw["id"],
        batches=tuple((farm, _decimal(weight)) for farm, weight, _ in raw["batches"]),
        weight=measures[-1][1] if measures else None,
        children=tuple(sorted(set(raw["children"]))),
        made_by=tuple(
            Transformation(
                event_id=m["eventID"],
                inputs=tuple((i, to_kilograms(q, u)) for i, q, u in m["inputs"]),
                outputs=tuple((o, to_kilograms(q, u)) for o, q, u in m["outputs"]),
            )
            for m in sorted(raw["made"], key=lambda m: m["eventID"])
        ),
    )


def _carried(shipment: dict[str, Any]) -> list[tuple[str, Decimal | None]]:
    carried = sorted(shipment.get("carried") or [], key=lambda c: (c[3] is None, c[3], c[0]))
    return [(lot, to_kilograms(q, u)) for lot, q, u, _ in carried]


class EnterpriseService:
    """The listings, shipment declarations, readiness and farm statements of one database."""

    def __init__(self, driver: Driver, database: str, go_threshold: int = 100) -> None:
        self.driver = driver
        self.database = database
        self.go_threshold = go_threshold

    # farms are stated through PUT /api/v1/facilities/{id} (MasterDataService) with this
    def state_farm(
        self, tx: ManagedTransaction, org: str, facility: str, fields: FarmFields | None
    ) -> dict[str, Any] | None:
        """Write (or, given None, remove) the org's farm statement about a facility and, if it
        is new, derive the batches collected there; return the statement."""
        if fields is None:
            repo.delete_farm_profile(tx, org, org_key(org, facility))
            return None
        refresh_batches(tx, org, [], state_farms(tx, org, [(facility, fields)]))
        return repo.get_farm_profile(tx, org_key(org, facility))

    def list_farms(self, org: str, status: str | None, limit: int, offset: int) -> FarmPage:
        """A page of the org's farms."""
        with self.driver.session(database=self.database) as session:
            rows, total = read_tx(session, repo.list_page, "farms", org, status, offset, limit)
        return FarmPage(
            data=[_farm(r) for r in rows], meta=Meta(total=total, limit=limit, offset=offset)
        )

    def list_batches(self, org: str, status: str | None, limit: int, offset: int) -> BatchPage:
        """A page of the org's collection batches."""
        with self.driver.session(database=self.database) as session:
            rows, total = read_tx(session, repo.list_page, "batches", org, status, offset, limit)
        return BatchPage(
            data=[_batch(r) for r in rows], meta=Meta(total=total, limit=limit, offset=offset)
        )

    def list_shipments(self, org: str, status: str | None, limit: int, offset: int) -> ShipmentPage:
        """A page of the org's shipments, each with its readiness computed now."""
        with self.driver.session(database=self.database) as session:
            rows, total, readiness = read_tx(
                session, self._shipments_page, org, status, offset, limit
            )
        return ShipmentPage(
            data=[self._shipment(r, readiness[r["key"]]) for r in rows],
            meta=Meta(total=total, limit=limit, offset=offset),
        )

    def _shipments_page(
        self, tx: ManagedTransaction, org: str, status: str | None, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int, dict[str, Readiness]]:
        rows, total = repo.list_page(tx, "shipments", org, status, offset, limit)
        return rows, total, self._readiness(tx, org, rows)

    def _readiness(
        self, tx: ManagedTransaction, org: str, shipments: list[dict[str, Any]]
    ) -> dict[str, Readiness]:
        """Each shipment's readiness, from one lineage read for all of them."""
        carried = {s["key"]: _carried(s) for s in shipments}
        items = sorted({lot for c in carried.values() for lot, _ in c})
        orgs = repo.visible_orgs(tx, org)
        lineage = repo.lineage(tx, items, orgs) if items else []
        lots = {raw["id"]: _lot_facts(raw) for raw in lineage}
        # a farm's status: the caller's statement, then those of the orgs that collected the
        # batches reaching it, then the other visible orgs by name (trace_engine/visibility.py)
        collectors: dict[str, set[str]] = {}
        for raw in lineage:
            for farm, _, collector in raw["batches"]:
                collectors.setdefault(farm, set()).add(collector)
        statements = repo.farm_statuses(tx, sorted(collectors), orgs) if collectors else {}
        status: dict[str, str] = {}
        for farm, said in statements.items():
            by_org = dict(said)
            order = precedence(org, by_org, sorted(collectors.get(farm, ())))
            status[farm] = by_org[order[0]]
        return {
            key: compute_readiness(c, lots, status, self.go_threshold) for key, c in carried.items()
        }

    def _shipment(self, row: dict[str, Any], readiness: Readiness) -> Shipment:
        return Shipment(
            id=row["id"],
            shipment_code=row.get("shipmentCode"),
            status=row["status"],
            destination_country=row.get("destinationCountry"),
            destination_port=row.get("destinationPort"),
            buyer_company=row.get("buyerCompany"),
            commodity=row.get("commodity"),
            total_weight_kg=float(readiness.total_weight),
            total_items=readiness.total_items,
            readiness_score=readiness.score,
            readiness_decision=readiness.decision.value,
            estimated_ship_date=row.get("estimatedShipDate"),
            created_at=row["createdAt"],
        )

    def put_shipment(self, org: str, shipment_id: str, body: ShipmentDeclare) -> Shipment:
        """Declare (or re-declare) a shipment and what it carries."""
        if not shipment_id.strip() or len(shipment_id) > 200:
            raise InvalidInput("id", "must be 1 to 200 characters")
        items: list[dict[str, Any]] = []
        for position, raw in enumerate(body.items):
            try:
                ident = parse_identifier(raw.strip())
            except InvalidIdentifier as exc:
                raise InvalidIdentifier(raw, f"items[{position}]: {exc.reason}") from exc
            if ident.kind in ("product", "location", "party"):
                raise InvalidIdentifier(
                    raw, f"items[{position}]: names a {ident.kind}, not a lot, serial or SSCC"
                )
            items.append(
                {"id": ident.key, "displayId": ident.raw, "kind": ident.kind, "seq": position}
            )
        props = {
            "shipmentCode": body.shipment_code,
            "declaredStatus": body.status.value,
            "buyerCompany": body.buyer_company,
            "destinationCountry": body.destination_country,
            "destinationPort": body.destination_port,
            "commodity": body.commodity,
            "estimatedShipDate": (
                body.estimated_ship_date.isoformat() if body.estimated_ship_date else None
            ),
        }
        key = org_key(org, shipment_id)
        with self.driver.session(database=self.database) as session:
            stored = write_tx(
                session,
                repo.put_shipment,
                key=key,
                id=shipment_id,
                org=org,
                now=now_utc(),
                props=props,
                items=items,
            )
            stored["key"] = key
            readiness = read_tx(session, self._readiness, org, [stored])
        return self._shipment(stored, readiness[key])

    def readiness(self, org: str, shipment_id: str) -> ReadinessEvidence:
        """A shipment's readiness with the farms reached and the weight through each."""
        key = org_key(org, shipment_id)
        with self.driver.session(database=self.database) as session:
            found = read_tx(session, self._one_readiness, org, key)
        if found is None:
            raise NotFound("shipment", shipment_id)
        shipment, result = found
        total = result.total_weight
        return ReadinessEvidence(
            shipment_id=shipment_id,
            readiness_score=result.score,
            readiness_decision=result.decision.value,
            threshold=self.go_threshold,
            total_weight_kg=float(total),
            approved_weight_kg=float(result.approved_weight),
            untraced_weight_kg=float(result.untraced_weight),
            total_items=result.total_items,
            items=[lot for lot, _ in _carried(shipment)],
            farms=[
                FarmEvidence(
                    farm_id=f.farm_id,
                    compliance_status=f.compliance_status,
                    weight_kg=float(f.weight),
                    share_percent=float(100 * f.weight / total) if total else 0.0,
                )
                for f in result.farms
            ],
        )

    def _one_readiness(
        self, tx: ManagedTransaction, org: str, key: str
    ) -> tuple[dict[str, Any], Readiness] | None:
        shipment = repo.get_shipment(tx, key)
        if shipment is None:
            return None
        shipment["key"] = key
        return shipment, self._readiness(tx, org, [shipment])[key]

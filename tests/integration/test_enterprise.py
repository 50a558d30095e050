"""The enterprise listings over HTTP: farms, batches and shipments, readiness from the trace."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import orjson
import pytest
from jsonschema import Draft202012Validator

GTIN = "4012345.066666"
BULK = "urn:epc:class:lgtin:4012345.077777.BULK1"
ORG = "cocoa-coop"


def lot(name: str, item: str = GTIN) -> str:
    return f"urn:epc:class:lgtin:{item}.{name}"


def farm(n: int) -> str:
    return f"urn:epc:id:sgln:4012345.{n:05d}.0"


def farm_key(n: int) -> str:
    from trace_engine.identifiers import parse_identifier

    return parse_identifier(farm(n)).key


def lot_key(name: str) -> str:
    from trace_engine.identifiers import parse_identifier

    return parse_identifier(lot(name)).key


_counter = iter(range(1, 1_000_000))


def event(kind: str, time: str, **body: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "eventID": f"urn:uuid:30000000-0000-4000-8000-{next(_counter):012d}",
        "eventTime": time,
        "eventTimeZoneOffset": "+00:00",
        **body,
    }


def collect(name: str, at: int, kg: float, bags: int | None = None, day: int = 1) -> dict[str, Any]:
    quantities: list[dict[str, Any]] = [{"epcClass": lot(name), "quantity": kg, "uom": "KGM"}]
    if bags is not None:
        quantities.append({"epcClass": lot(name), "quantity": bags, "uom": "XBG"})
    return event(
        "ObjectEvent",
        f"2024-01-{day:02d}T10:30:00.000Z",
        action="ADD",
        bizStep="commissioning",
        quantityList=quantities,
        bizLocation={"id": farm(at)},
        sourceList=[{"type": "owning_party", "source": "urn:epc:id:pgln:4012345.00001"}],
    )


def bulk(inputs: dict[str, float], output: str, day: int = 10) -> dict[str, Any]:
    return event(
        "TransformationEvent",
        f"2024-01-{day:02d}T08:00:00.000Z",
        bizStep="creating_class_instance",
        inputQuantityList=[
            {"epcClass": lot(n), "quantity": kg, "uom": "KGM"} for n, kg in inputs.items()
        ],
        outputQuantityList=[{"epcClass": output, "quantity": sum(inputs.values()), "uom": "KGM"}],
        bizLocation={"id": "urn:epc:id:sgln:4012345.09999.0"},
    )


def ship(things: list[str], day: int = 20) -> dict[str, Any]:
    return event(
        "ObjectEvent",
        f"2024-01-{day:02d}T08:00:00.000Z",
        action="OBSERVE",
        bizStep="shipping",
        epcList=things,
        bizLocation={"id": "urn:epc:id:sgln:4012345.09999.0"},
    )


async def capture(client: httpx.AsyncClient, events: list[dict[str, Any]]) -> None:
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-01-01T00:00:00Z",
        "epcisBody": {"eventList": events},
    }
    response = await client.post(
        "/epcis/capture",
        content=orjson.dumps(document),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 202, response.text
    job = (await client.get(response.headers["Location"])).json()
    assert job["rejectedCount"] == 0 and job["running"] is False, job


async def register(
    client: httpx.AsyncClient, n: int, status: str = "approved", **more: Any
) -> None:
    body = {
        "name": f"Farm {n}",
        "type": "FARM",
        "farmerName": f"Farmer {n}",
        "farmerId": f"CIV-{n:05d}",
        "phone": f"+22501000{n:05d}",
        "community": "Soubré" if n % 2 else "Méagui",
        "areaHectares": 2.5 + n,
        "commodity": "cocoa",
        "complianceStatus": status,
        **more,
    }
    response = await client.put(f"/api/v1/facilities/{farm(n)}", json=body)
    assert response.status_code == 200, response.text


@pytest.fixture
def coop(make_client: Callable[..., httpx.AsyncClient]) -> httpx.AsyncClient:
    return make_client(ORG)


async def batches(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/batches", params=params)
    assert response.status_code == 200, response.text
    return {row["id"]: row for row in response.json()["data"]}


async def test_a_batch_walks_collecting_completed_aggregated_shipped(
    coop: httpx.AsyncClient,
) -> None:
    await register(coop, 1)
    await capture(coop, [collect("B1", 1, 1250.5, bags=25)])
    row = (await batches(coop))[lot_key("B1")]
    assert row["status"] == "collecting"
    assert row["farm_id"] == farm_key(1)
    assert row["total_weight"] == 1250.5 and row["bag_count"] == 25
    assert row["collected_at"] == "2024-01-01T10:30:00.000Z"

    closing = event(
        "ObjectEvent",
        "2024-01-02T10:00:00.000Z",
        action="OBSERVE",
        bizStep="inspecting",
        disposition="completeness_verified",
        quantityList=[{"epcClass": lot("B1"), "quantity": 1250.5, "uom": "KGM"}],
        bizLocation={"id": farm(1)},
    )
    await capture(coop, [closing])
    assert (await batches(coop))[lot_key("B1")]["status"] == "completed"

    await capture(coop, [bulk({"B1": 1250.5}, BULK)])
    assert (await batches(coop))[lot_key("B1")]["status"] == "aggregated"

    await capture(coop, [ship([BULK])])
    assert (await batches(coop))[lot_key("B1")]["status"] == "shipped"


async def test_a_batch_is_shipped_whatever_order_its_events_arrive_in(
    coop: httpx.AsyncClient,
) -> None:
    """A shipping event reaches the farm lots upstream of what it names, whether the lineage to
    them is captured before it or after it (packing, bulking two steps away)."""
    await register(coop, 1)
    await capture(coop, [collect("B7", 1, 500.0), collect("B8", 1, 250.0)])
    bulked = lot("M7", "4012345.077777")
    # the container is shipped before anything is packed in it
    await capture(coop, [ship([sscc(7)])])
    await capture(coop, [bulk({"B7": 500.0, "B8": 250.0}, bulked)])
    rows = await batches(coop)
    assert [rows[lot_key(n)]["status"] for n in ("B7", "B8")] == ["aggregated"] * 2
    # packing the bulked lot into it ships the farm lots upstream of the bulked lot
    await capture(coop, [pack(sscc(7), {bulked: 750.0})])
    rows = await batches(coop)
    assert [rows[lot_key(n)]["status"] for n in ("B7", "B8")] == ["shipped"] * 2

    # a second bulking into a lot that is packed and shipped already ships the farm lot two
    # transformations upstream
    await capture(coop, [collect("B9", 1, 100.0), bulk({"B9": 100.0}, lot("M9"))])
    shipped = lot("M10", "4012345.077777")
    await capture(coop, [pack(sscc(10), {shipped: 100.0}), ship([sscc(10)])])
    assert (await batches(coop))[lot_key("B9")]["status"] == "aggregated"
    await capture(coop, [bulk({"M9": 100.0}, shipped, day=11)])
    rows = await batches(coop)
    assert [rows[lot_key(n)]["status"] for n in ("B7", "B8", "B9")] == ["shipped"] * 3


# -- the listings' shapes: the OriginTrace document's example rows as JSON Schemas ------------

TIMESTAMP = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"}
DATE = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\d$"}
TEXT = {"type": ["string", "null"]}


def _page(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["data", "meta"],
        "properties": {
            "data": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": list(row),
                    "properties": row,
                },
            },
            "meta": {
                "type": "object",
                "additionalProperties": False,
                "required": ["total", "limit", "offset"],
                "properties": {k: {"type": "integer"} for k in ("total", "limit", "offset")},
            },
        },
    }


SCHEMAS = {
    "farms": _page(
        {
            "id": {"type": "string"},
            "farmer_name": TEXT,
            "farmer_id": TEXT,
            "phone": TEXT,
            "community": TEXT,
            "area_hectares": {"type": ["number", "null"]},
            "commodity": TEXT,
            "compliance_status": {"enum": ["pending", "approved", "rejected"]},
            "created_at": TIMESTAMP,
        }
    ),
    "batches": _page(
        {
            "id": {"type": "string"},
            "farm_id": {"type": "string"},
            "agent_id": TEXT,
            "status": {"enum": ["collecting", "completed", "aggregated", "shipped"]},
            "total_weight": {"type": "number"},
            "bag_count": {"type": "integer"},
            "notes": {"type": "null"},
            "collected_at": TIMESTAMP,
            "created_at": TIMESTAMP,
        }
    ),
    "shipments": _page(
        {
            "id": {"type": "string"},
            "shipment_code": TEXT,
            "status": {"enum": ["draft", "ready", "shipped", "cancelled"]},
            "destination_country": TEXT,
            "destination_port": TEXT,
            "buyer_company": TEXT,
            "commodity": TEXT,
            "total_weight_kg": {"type": "number"},
            "total_items": {"type": "integer"},
            "readiness_score": {"type": "integer", "minimum": 0, "maximum": 100},
            "readiness_decision": {"enum": ["go", "no_go", "pending"]},
            "estimated_ship_date": {"oneOf": [DATE, {"type": "null"}]},
            "created_at": TIMESTAMP,
        }
    ),
}


def sscc(n: int) -> str:
    return f"urn:epc:id:sscc:4012345.{n:010d}"


def pack(container: str, lots: dict[str, float], day: int = 12) -> dict[str, Any]:
    return event(
        "AggregationEvent",
        f"2024-01-{day:02d}T08:00:00.000Z",
        action="ADD",
        bizStep="packing",
        parentID=container,
        childQuantityList=[
            {"epcClass": name, "quantity": kg, "uom": "KGM"} for name, kg in lots.items()
        ],
        bizLocation={"id": "urn:epc:id:sgln:4012345.09999.0"},
    )


async def declare(client: httpx.AsyncClient, ident: str, items: list[str], **more: Any) -> dict:  # type: ignore[type-arg]
    body = {
        "shipmentCode": f"SHP-{ident}",
        "status": "ready",
        "buyerCompany": "Barry Callebaut",
        "destinationCountry": "Netherlands",
        "destinationPort": "Rotterdam",
        "commodity": "Cocoa",
        "estimatedShipDate": "2024-02-15",
        "items": items,
        **more,
    }
    response = await client.put(f"/api/v1/shipments/{ident}", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def readiness(client: httpx.AsyncClient, ident: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/shipments/{ident}/readiness")
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.fixture
async def mixed(coop: httpx.AsyncClient) -> dict[str, float]:
    """Five farms (3 approved, 1 pending, 1 rejected), a batch each; three containers:
    C1 from approved farms only, C2 approved + pending, C3 approved + rejected."""
    statuses = {1: "approved", 2: "approved", 3: "approved", 4: "pending", 5: "rejected"}
    weights = {1: 1250.5, 2: 730.25, 3: 410.0, 4: 333.3, 5: 95.0}
    for n, status in statuses.items():
        await register(coop, n, status)
    events = [collect(f"B{n}", n, kg, bags=n * 3, day=n) for n, kg in weights.items()]
    events += [
        bulk({"B1": weights[1], "B2": weights[2]}, lot("M1", "4012345.077777")),
        bulk({"B3": weights[3], "B4": weights[4]}, lot("M2", "4012345.077777")),
        bulk({"B2": 0.0, "B5": weights[5]}, lot("M3", "4012345.077777"), day=11),
        pack(sscc(1), {lot("M1", "4012345.077777"): weights[1] + weights[2]}),
        pack(sscc(2), {lot("M2", "4012345.077777"): weights[3] + weights[4]}),
        pack(sscc(3), {lot("M3", "4012345.077777"): weights[5]}),
    ]
    await capture(coop, events)
    return {f"B{n}": kg for n, kg in weights.items()}


async def test_readiness_follows_the_trace_and_the_farms_current_status(
    coop: httpx.AsyncClient, mixed: dict[str, float]
) -> None:
    clean = await declare(coop, "S1", [sscc(1)])
    assert clean["readiness_score"] == 100 and clean["readiness_decision"] == "go"
    assert clean["total_weight_kg"] == pytest.approx(1250.5 + 730.25)

    # approved + pending: the exact weight share, computed independently
    share = await declare(coop, "S2", [sscc(1), sscc(2)])
    approved = Decimal("1250.5") + Decimal("730.25") + Decimal("410.0")
    total = approved + Decimal("333.3")
    assert share["readiness_score"] == math_floor(100 * approved / total)
    assert share["readiness_decision"] == "pending"
    evidence = await readiness(coop, "S2")
    by_farm = {f["farm_id"]: f for f in evidence["farms"]}
    assert set(by_farm) == {farm_key(n) for n in (1, 2, 3, 4)}
    assert by_farm[farm_key(4)]["compliance_status"] == "pending"
    assert by_farm[farm_key(4)]["weight_kg"] == pytest.approx(333.3)
    assert sum(f["weight_kg"] for f in evidence["farms"]) == pytest.approx(float(total))

    # any rejected farm upstream is no_go, even when most of the weight is approved
    rejected = await declare(coop, "S3", [sscc(1), sscc(3)])
    assert rejected["readiness_decision"] == "no_go"

    # a farm's status changes the next read (no stale cache)
    await register(coop, 4, "approved")
    again = await readiness(coop, "S2")
    assert again["readiness_score"] == 100 and again["readiness_decision"] == "go"
    await register(coop, 1, "rejected")
    listed = {s["id"]: s for s in (await coop.get("/api/v1/shipments")).json()["data"]}
    assert listed["S1"]["readiness_decision"] == "no_go"
    assert listed["S1"]["readiness_score"] == math_floor(
        100 * Decimal("730.25") / (Decimal("1250.5") + Decimal("730.25"))
    )


def math_floor(value: Decimal) -> int:
    return int(value // 1)


async def test_a_shipping_event_ships_the_declared_shipment_and_its_batches(
    coop: httpx.AsyncClient, mixed: dict[str, float]
) -> None:
    await declare(coop, "S1", [sscc(1)])
    assert (await batches(coop))[lot_key("B1")]["status"] == "aggregated"
    await capture(coop, [ship([sscc(1)])])
    listed = (await coop.get("/api/v1/shipments")).json()
    assert [s["status"] for s in listed["data"]] == ["shipped"]
    rows = await batches(coop)
    assert rows[lot_key("B1")]["status"] == "shipped"
    assert rows[lot_key("B3")]["status"] == "aggregated"
    # a shipping event no declared shipment carries is a shipment of its own
    await capture(coop, [ship([sscc(2)], day=21)])
    listed = (await coop.get("/api/v1/shipments", params={"status": "shipped"})).json()
    assert listed["meta"]["total"] == 2
    own = next(s for s in listed["data"] if s["id"] != "S1")
    assert own["total_weight_kg"] == pytest.approx(410.0 + 333.3)
    assert own["estimated_ship_date"] == "2024-01-21"


async def test_listings_match_the_documented_shapes_and_filter(
    coop: httpx.AsyncClient, mixed: dict[str, float]
) -> None:
    await declare(coop, "S1", [sscc(1)])
    await declare(coop, "S2", [sscc(2)], status="draft")
    for listing, schema in SCHEMAS.items():
        response = await coop.get(f"/api/v1/{listing}")
        assert response.status_code == 200
        Draft202012Validator(schema).validate(response.json())
        assert "X-RateLimit-Remaining" in response.headers
        assert "X-RateLimit-Reset" in response.headers
    farms = (await coop.get("/api/v1/farms", params={"compliance_status": "approved"})).json()
    assert farms["meta"] == {"total": 3, "limit": 100, "offset": 0}
    assert {f["id"] for f in farms["data"]} == {farm_key(n) for n in (1, 2, 3)}
    rejected = (await coop.get("/api/v1/farms", params={"compliance_status": "rejected"})).json()
    assert [f["farmer_name"] for f in rejected["data"]] == ["Farmer 5"]
    assert rejected["data"][0]["area_hectares"] == 7.5
    aggregated = (await coop.get("/api/v1/batches", params={"status": "aggregated"})).json()
    assert aggregated["meta"]["total"] == 5
    assert (await coop.get("/api/v1/batches", params={"status": "shipped"})).json()["meta"][
        "total"
    ] == 0
    row = (await batches(coop))[lot_key("B3")]
    assert row["bag_count"] == 9 and row["agent_id"] == "417/4012345000016"
    drafts = (await coop.get("/api/v1/shipments", params={"status": "draft"})).json()
    assert [s["id"] for s in drafts["data"]] == ["S2"]
    ready = (await coop.get("/api/v1/shipments", params={"status": "ready"})).json()
    assert [s["id"] for s in ready["data"]] == ["S1"]
    assert ready["data"][0]["total_items"] == 1


async def test_paging_is_stable_and_complete(coop: httpx.AsyncClient) -> None:
    await register(coop, 1)
    # same collection time for all: the order falls back on the id
    await capture(coop, [collect(f"P{n:02d}", 1, 10.0 + n) for n in range(25)])
    seen: list[str] = []
    for offset in (0, 10, 20):
        page = (await coop.get("/api/v1/batches", params={"limit": 10, "offset": offset})).json()
        assert page["meta"] == {"total": 25, "limit": 10, "offset": offset}
        seen += [row["id"] for row in page["data"]]
    assert len(seen) == 25 and len(set(seen)) == 25
    assert seen == sorted(seen, reverse=True)  # one createdAt: then by id, descending


FILTER = {"farms": "compliance_status", "batches": "status", "shipments": "status"}
BAD = [
    ({"limit": 501}, "limit"),
    ({"limit": 0}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"limit": 1.5}, "limit"),
    ({"offset": -1}, "offset"),
    ({"offset": "x"}, "offset"),
]


def inspecting(name: str, day: int = 2) -> dict[str, Any]:
    return event(
        "ObjectEvent",
        f"2024-01-{day:02d}T10:00:00.000Z",
        action="OBSERVE",
        bizStep="inspecting",
        quantityList=[{"epcClass": lot(name), "quantity": 1.0, "uom": "KGM"}],
        bizLocation={"id": farm(1)},
    )


async def test_every_filter_value_gives_the_matching_rows_of_the_whole_listing(
    coop: httpx.AsyncClient, mixed: dict[str, float]
) -> None:
    """Every status of every listing occurs; each filtered listing is exactly the whole
    listing's rows with that status, in the same order, with that many as its total."""
    await capture(coop, [collect("B6", 1, 10.0), collect("B7", 2, 20.0), inspecting("B7")])
    await declare(coop, "S1", [sscc(1)])
    await declare(coop, "S2", [sscc(2)], status="draft")
    await declare(coop, "S4", [sscc(4)], status="cancelled")
    await declare(coop, "S5", [sscc(3)], status="ready")
    await capture(coop, [ship([sscc(1)])])
    field = {"farms": "compliance_status", "batches": "status", "shipments": "status"}
    values = {
        "farms": ("pending", "approved", "rejected"),
        "batches": ("collecting", "completed", "aggregated", "shipped"),
        "shipments": ("draft", "ready", "shipped", "cancelled"),
    }
    for listing, statuses in values.items():
        whole = (await coop.get(f"/api/v1/{listing}", params={"limit": 500})).json()
        assert whole["meta"]["total"] == len(whole["data"])
        for value in statuses:
            response = await coop.get(f"/api/v1/{listing}", params={FILTER[listing]: value})
            assert response.status_code == 200, response.text
            page = response.json()
            expected = [r["id"] for r in whole["data"] if r[field[listing]] == value]
            assert expected, f"no {listing} row is {value}: the test data must have one"
            assert [r["id"] for r in page["data"]] == expected, (listing, value)
            assert page["meta"]["total"] == len(expected)


@pytest.mark.parametrize("listing", ["farms", "shipments"])
async def test_three_pages_of_farms_and_shipments_cover_them_once(
    coop: httpx.AsyncClient, listing: str
) -> None:
    for n in range(1, 26):
        if listing == "farms":
            await register(coop, n, ("approved", "pending", "rejected")[n % 3])
        else:
            await declare(coop, f"P{n:02d}", [sscc(n)], status=("draft", "ready")[n % 2])
    seen: list[dict[str, Any]] = []
    for offset in (0, 10, 20):
        params = {"limit": 10, "offset": offset}
        page = (await coop.get(f"/api/v1/{listing}", params=params)).json()
        assert page["meta"] == {"total": 25, "limit": 10, "offset": offset}
        assert len(page["data"]) == (10 if offset < 20 else 5)
        seen += page["data"]
    assert len({row["id"] for row in seen}) == 25
    # newest first, then by id descending: the order the document's listings give
    keys = [(row["created_at"], row["id"]) for row in seen]
    assert keys == sorted(keys, reverse=True)


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        (f"/api/v1/{listing}", params, named)
        for listing, status in FILTER.items()
        for params, named in [*BAD, ({status: "lost"}, status), ({status: ""}, status)]
    ],
)
async def test_every_bad_parameter_is_a_400_naming_it(
    coop: httpx.AsyncClient, path: str, params: dict[str, Any], named: str
) -> None:
    response = await coop.get(path, params=params)
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"error"}
    assert response.json()["error"].startswith(f"{named}:")


async def test_another_org_sees_nothing_and_read_is_needed(
    coop: httpx.AsyncClient,
    make_client: Callable[..., httpx.AsyncClient],
    mixed: dict[str, float],
) -> None:
    await declare(coop, "S1", [sscc(1)])
    other = make_client("another-org")
    for listing in SCHEMAS:
        body = (await other.get(f"/api/v1/{listing}")).json()
        assert body["meta"]["total"] == 0 and body["data"] == []
    assert (await other.get("/api/v1/shipments/S1/readiness")).status_code == 404
    # even when the coop shares its events with the other org, the rows stay the coop's
    assert (await coop.post("/api/v1/sharing", json={"org": "another-org"})).status_code == 201
    assert (await other.post("/api/v1/sharing/accept", json={"org": ORG})).status_code == 200
    assert (await other.get("/api/v1/batches")).json()["meta"]["total"] == 0
    # the read scope is needed by name for every listing: a read-less (write-only) key gets
    # 403 naming it; declaring needs write
    writer = make_client(ORG, scopes=["write"])
    for listing in SCHEMAS:
        refused = await writer.get(f"/api/v1/{listing}")
        assert refused.status_code == 403 and "'read'" in refused.json()["error"], listing
        assert "X-RateLimit-Remaining" in refused.headers
    reader = make_client(ORG, scopes=["read"])
    assert (await reader.get("/api/v1/batches")).status_code == 200
    refused = await reader.put("/api/v1/shipments/S9", json={"items": []})
    assert refused.status_code == 403 and "write" in refused.json()["error"]


async def test_the_cocoa_seed_shows_what_its_readme_says(coop: httpx.AsyncClient) -> None:
    """Farm fields arrive as EPCIS master data; the README's numbers, over HTTP."""
    from trace_engine.seed import cocoa

    response = await coop.post(
        "/epcis/capture",
        content=orjson.dumps(cocoa.build_cocoa()),
        headers={"Content-Type": "application/ld+json"},
    )
    assert response.status_code == 202, response.text
    assert (await coop.get(response.headers["Location"])).json()["rejectedCount"] == 0
    for body in cocoa.build_shipments():
        ident = body.pop("id")
        assert (await coop.put(f"/api/v1/shipments/{ident}", json=body)).status_code == 200

    async def total(listing: str, **params: str) -> int:
        page = (await coop.get(f"/api/v1/{listing}", params=params)).json()
        return int(page["meta"]["total"])

    assert await total("farms") == 12
    assert [
        await total("farms", compliance_status=s) for s in ("approved", "pending", "rejected")
    ] == [9, 2, 1]
    expected = {"shipped": 6, "aggregated": 3, "completed": 2, "collecting": 1}
    assert {s: await total("batches", status=s) for s in expected} == expected
    rejected = (await coop.get("/api/v1/farms", params={"compliance_status": "rejected"})).json()
    assert rejected["data"][0]["farmer_id"] == "CIV-SOU-0007"
    assert rejected["data"][0]["area_hectares"] == 6.1
    rows = {s["id"]: s for s in (await coop.get("/api/v1/shipments")).json()["data"]}
    assert set(rows) == {"SHP-COOP-ROT-001", "SHP-COOP-ANT-002"}
    rot, ant = rows["SHP-COOP-ROT-001"], rows["SHP-COOP-ANT-002"]
    assert (rot["status"], rot["total_weight_kg"], rot["total_items"]) == ("shipped", 7104, 111)
    assert (rot["readiness_score"], rot["readiness_decision"]) == (100, "go")
    assert (ant["status"], ant["total_weight_kg"], ant["total_items"]) == ("ready", 4096, 64)
    assert (ant["readiness_score"], ant["readiness_decision"]) == (50, "no_go")
    evidence = await readiness(coop, "SHP-COOP-ANT-002")
    assert {f["farm_id"]: f["weight_kg"] for f in evidence["farms"]} == {
        farm_key_of(cocoa.farm_sgln(7)): 2048,
        farm_key_of(cocoa.farm_sgln(8)): 1152,
        farm_key_of(cocoa.farm_sgln(9)): 896,
    }
    # approving farm 7 through the master-data route makes the next read go
    fixed = await coop.put(
        f"/api/v1/facilities/{cocoa.farm_sgln(7)}",
        json={"type": "FARM", "farmerName": "Ibrahim Ouattara", "complianceStatus": "approved"},
    )
    assert fixed.status_code == 200 and fixed.json()["farm"]["complianceStatus"] == "approved"
    assert (await readiness(coop, "SHP-COOP-ANT-002"))["readiness_decision"] == "go"


def farm_key_of(sgln: str) -> str:
    from trace_engine.identifiers import parse_identifier

    return parse_identifier(sgln).key


async def test_an_exporter_sees_a_sharing_cooperatives_farms_in_its_readiness(
    coop: httpx.AsyncClient,
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    """The coop collects and bulks; the exporter packs and declares. Until the exporter
    accepts the coop's share, the exporter's trace stops at the bulk lot (untraced, 0)."""
    exporter = make_client("exporter")
    await register(coop, 1, "approved")
    await register(coop, 2, "rejected")
    await capture(
        coop,
        [
            collect("X1", 1, 600.0),
            collect("X2", 2, 200.0),
            bulk({"X1": 600.0}, lot("XB1", "4012345.077777")),
            bulk({"X2": 200.0}, lot("XB2", "4012345.077777")),
        ],
    )
    await capture(exporter, [pack(sscc(7), {lot("XB1", "4012345.077777"): 600.0})])
    await capture(exporter, [pack(sscc(8), {lot("XB2", "4012345.077777"): 200.0})])
    await declare(exporter, "E1", [sscc(7)])
    await declare(exporter, "E2", [sscc(7), sscc(8)])
    before = await readiness(exporter, "E1")
    assert before["farms"] == [] and before["readiness_score"] == 0
    assert before["untraced_weight_kg"] == 600.0 and before["readiness_decision"] == "pending"

    assert (await coop.post("/api/v1/sharing", json={"org": "exporter"})).status_code == 201
    assert (await exporter.post("/api/v1/sharing/accept", json={"org": ORG})).status_code == 200
    after = await readiness(exporter, "E1")
    assert [(f["farm_id"], f["compliance_status"]) for f in after["farms"]] == [
        (farm_key(1), "approved")
    ]
    assert (after["readiness_score"], after["readiness_decision"]) == (100, "go")
    mixed = await readiness(exporter, "E2")
    assert (mixed["readiness_score"], mixed["readiness_decision"]) == (75, "no_go")
    # the exporter's own statement about a farm wins over the coop's
    await register(exporter, 2, "approved")
    assert (await readiness(exporter, "E2"))["readiness_decision"] == "go"
    # the exporter still lists only its own rows
    assert (await exporter.get("/api/v1/batches")).json()["meta"]["total"] == 0

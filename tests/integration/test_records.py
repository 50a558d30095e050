"""Traceability records over HTTP, against the real server: CRUD, paging, errors, per-org
isolation, links into the graph and the records block of a trace."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import orjson
import pytest
from matrix_records import MATRIX
from neo4j import Driver

from trace_engine.config import Settings
from trace_engine.kit.metadata import METADATA_MAX_BYTES

MakeClient = Callable[..., httpx.AsyncClient]
Counts = Callable[[], tuple[int, int]]
BASE = "/api/v1/traceability"
PRODUCT = "urn:epc:idpat:sgtin:4012345.012345.*"
GTIN_KEY = "01/04012345123456"
LOT = "urn:epc:class:lgtin:4012345.012345.B-2026-042"
LOT_KEY = GTIN_KEY + "/10/B-2026-042"
JSONLD = {"Content-Type": "application/ld+json"}
DTO_FIELDS = {
    "id", "productId", "batchNumber", "origin", "destination", "supplierId",
    "processingFacility", "certifications", "isCompliant", "userId", "companyId", "notes",
    "metadata", "createdAt", "updatedAt",
}  # fmt: skip
# each scope by name (a write-only key cannot read); admin includes both
ALLOWED = {"read": {"read"}, "write": {"write"}, "admin": {"read", "write", "admin"}}
_ids = itertools.count(1)


def _record(**fields: Any) -> dict[str, Any]:
    return {
        "productId": "SKU-001",
        "batchNumber": "B-2026-042",
        "origin": "Gujarat, India",
    } | fields


async def _create(http: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    response = await http.post(BASE, json=_record(**fields))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _event(lot: str = LOT) -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:70000000-0000-4000-8000-{next(_ids):012d}",
        "eventTime": "2024-06-01T10:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "ADD",
        "bizStep": "commissioning",
        "quantityList": [{"epcClass": lot, "quantity": 5, "uom": "KGM"}],
        "bizLocation": {"id": "urn:epc:id:sgln:4012345.00001.0"},
    }


async def _capture(http: httpx.AsyncClient, lot: str = LOT) -> None:
    document = {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                "type": "EPCISDocument", "schemaVersion": "2.0",
                "creationDate": "2024-06-01T00:00:00Z",
                "epcisBody": {"eventList": [_event(lot)]}}  # fmt: skip
    response = await http.post("/epcis/capture", content=orjson.dumps(document), headers=JSONLD)
    assert response.status_code == 202, response.text
    job = await http.get(response.headers["Location"])
    assert job.json()["success"] is True, job.text


def _links(driver: Driver, settings: Settings, record_id: str) -> set[tuple[str, str, str]]:
    records, _, _ = driver.execute_query(
        "MATCH (:TraceabilityRecord {id: $id})-[r]->(n) RETURN type(r) AS rel, "
        "labels(n)[0] AS label, n.id AS key",
        id=record_id,
        database_=settings.neo4j_database,
    )
    return {(r["rel"], r["label"], r["key"]) for r in records}


# -- create and read -------------------------------------------------------------------------


async def test_create_camel_case_then_get(client: httpx.AsyncClient) -> None:
    body = _record(
        destination="Milano warehouse",
        supplierId="3f2b9a1c-0000-4000-8000-000000000001",
        processingFacility="Ahmedabad spinning mill",
        certifications="GOTS, OEKO-TEX",
        isCompliant=True,
    )
    response = await client.post(BASE, json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == DTO_FIELDS
    assert {k: created[k] for k in body} == body
    assert created["userId"] is None and created["notes"] is None and created["metadata"] is None
    assert created["createdAt"] == created["updatedAt"]
    assert created["createdAt"].endswith("Z") and len(created["createdAt"]) == 24

    fetched = await client.get(f"{BASE}/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created


async def test_create_snake_case_answers_camel_case(client: httpx.AsyncClient) -> None:
    # the Traceability API document's example: snake_case, an integer supplier, ?userId=
    body = {"product_id": "3", "batch_number": "BATCH-2025-001", "origin": "Mumbai, India",
            "destination": "Milano, Italy", "supplier_id": 1, "is_compliant": True}  # fmt: skip
    response = await client.post(BASE, json=body, params={"userId": 1})
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["productId"] == "3" and created["batchNumber"] == "BATCH-2025-001"
    assert created["supplierId"] == "1" and created["isCompliant"] is True
    assert created["userId"] == "1"
    assert "product_id" not in created


async def test_is_compliant_defaults_to_false(client: httpx.AsyncClient) -> None:
    assert (await _create(client))["isCompliant"] is False


@pytest.mark.parametrize("field", ["productId", "batchNumber", "origin"])
async def test_a_missing_required_field_is_422_naming_it(
    client: httpx.AsyncClient, counts: Counts, field: str
) -> None:
    before = counts()
    body = _record()
    del body[field]
    response = await client.post(BASE, json=body)
    assert response.status_code == 422
    assert response.json()["error"].startswith(f"body.{field}:")
    assert counts() == before


async def test_wrong_types_and_blank_values_are_422(
    client: httpx.AsyncClient, counts: Counts
) -> None:
    before = counts()
    wrong = [("isCompliant", "yes"), ("productId", 3), ("origin", ""), ("metadata", [1, 2]),
             ("metadata", "text"), ("notes", {"a": 1})]  # fmt: skip
    for field, value in wrong:
        response = await client.post(BASE, json=_record(**{field: value}))
        assert response.status_code == 422, (field, value, response.text)
        assert f"body.{field}" in response.json()["error"]
    assert counts() == before


async def test_malformed_json_is_400(client: httpx.AsyncClient, counts: Counts) -> None:
    before = counts()
    headers = {"Content-Type": "application/json"}
    response = await client.post(BASE, content=b'{"productId": "SKU-001",', headers=headers)
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"error"}
    assert "malformed JSON" in response.json()["error"]
    assert counts() == before

    record = await _create(client)
    patched = await client.patch(f"{BASE}/{record['id']}", content=b"{notes:", headers=headers)
    assert patched.status_code == 400 and set(patched.json()) == {"error"}
    assert (await client.get(f"{BASE}/{record['id']}")).json() == record


async def test_unknown_fields_are_422_but_read_only_fields_are_ignored(
    client: httpx.AsyncClient, counts: Counts
) -> None:
    before = counts()
    response = await client.post(BASE, json=_record(batchNumbr="typo"))
    assert response.status_code == 422
    assert response.json()["error"] == "body.batchNumbr: Extra inputs are not permitted"
    both = await client.post(BASE, json=_record(product_id="SKU-002"))
    assert both.status_code == 422
    assert "productId and product_id" in both.json()["error"]
    assert counts() == before

    # what GET returned can be sent back: id, createdAt and updatedAt are output only
    echoed = _record(id="mine", createdAt="2000-01-01T00:00:00.000Z", updated_at="x")
    created = (await client.post(BASE, json=echoed)).json()
    assert created["id"] != "mine" and created["createdAt"] != "2000-01-01T00:00:00.000Z"
    full = created | {"notes": "round trip", "id": "other"}
    patched = await client.patch(f"{BASE}/{created['id']}", json=full)
    assert patched.status_code == 200, patched.text
    assert patched.json()["id"] == created["id"] and patched.json()["notes"] == "round trip"


# -- metadata --------------------------------------------------------------------------------


async def test_metadata_is_stored_faithfully(client: httpx.AsyncClient) -> None:
    metadata = {
        "z": 1, "a": [1.5, -0.0, 1e300, 9007199254740993, None, True],
        "nested": {"ünïcode": "日本語 ✓", "empty": {}, "list": []}, "quote": "\"'\\",
    }  # fmt: skip
    created = await _create(client, metadata=metadata)
    assert created["metadata"] == metadata
    assert list(created["metadata"]) == ["z", "a", "nested", "quote"]
    fetched = (await client.get(f"{BASE}/{created['id']}")).json()
    assert fetched["metadata"] == metadata
    assert fetched["metadata"]["a"][3] == 9007199254740993  # beyond 2^53: kept exact
    # (beyond 64 bits is refused: test_bounds.py)


async def test_metadata_over_the_limit_is_422_naming_it(
    client: httpx.AsyncClient, counts: Counts
) -> None:
    just_fits = {"blob": "x" * (METADATA_MAX_BYTES - len('{"blob":""}'))}
    assert (await client.post(BASE, json=_record(metadata=just_fits))).status_code == 201
    before = counts()
    too_big = {"blob": just_fits["blob"] + "x"}
    response = await client.post(BASE, json=_record(metadata=too_big))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error.startswith("body.metadata:") and str(METADATA_MAX_BYTES) in error
    assert counts() == before


# -- PATCH and DELETE ------------------------------------------------------------------------


async def test_patch_changes_only_what_it_names_and_null_clears(
    client: httpx.AsyncClient,
) -> None:
    record = await _create(
        client, notes="first", destination="Milano", isCompliant=True, metadata={"k": 1}
    )
    url = f"{BASE}/{record['id']}"
    response = await client.patch(url, json={"notes": "second", "destination": None})
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["notes"] == "second" and patched["destination"] is None
    unchanged = {k for k in DTO_FIELDS if k not in ("notes", "destination", "updatedAt")}
    assert {k: patched[k] for k in unchanged} == {k: record[k] for k in unchanged}
    assert patched["updatedAt"] >= record["updatedAt"]
    assert patched["createdAt"] == record["createdAt"]

    cleared = (await client.patch(url, json={"metadata": None, "is_compliant": None})).json()
    assert cleared["metadata"] is None and cleared["isCompliant"] is False
    assert (await client.get(url)).json() == cleared

    same = await client.patch(url, json={})
    assert same.status_code == 200 and same.json() == cleared


async def test_patch_with_a_wrong_type_or_null_required_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    record = await _create(client, notes="kept")
    url = f"{BASE}/{record['id']}"
    for body, field in [
        ({"notes": "changed", "isCompliant": "maybe"}, "isCompliant"),
        ({"notes": "changed", "origin": None}, "origin"),
        ({"notes": "changed", "productId": None}, "productId"),
        ({"notes": "changed", "batch_number": 42}, "batch_number"),
        ({"notes": "changed", "color": "red"}, "color"),
    ]:
        response = await client.patch(url, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"].startswith(f"body.{field}:"), response.json()
        assert (await client.get(url)).json() == record


async def test_delete_then_404(client: httpx.AsyncClient, counts: Counts) -> None:
    before = counts()
    record = await _create(client)
    url = f"{BASE}/{record['id']}"
    response = await client.delete(url)
    assert response.status_code == 204 and response.content == b""
    assert counts() == before
    for method in ("GET", "PATCH", "DELETE"):
        again = await client.request(method, url, json={"notes": "x"})
        assert again.status_code == 404
        assert again.json() == {"error": f"traceability record not found: {record['id']}"}


# -- listing ---------------------------------------------------------------------------------


async def test_45_records_in_pages_of_20(client: httpx.AsyncClient) -> None:
    made = [(await _create(client, batchNumber=f"B-{n:02d}"))["id"] for n in range(45)]
    seen: list[str] = []
    for page, expected in [(0, 20), (1, 20), (2, 5), (3, 0)]:
        response = await client.get(BASE, params={"page": page})
        assert response.status_code == 200
        assert len(response.json()) == expected
        assert response.headers["X-Total-Count"] == "45"
        assert response.headers["X-Total-Pages"] == "3"
        assert response.headers["X-Page"] == str(page)
        assert response.headers["X-Page-Size"] == "20"
        seen += [r["id"] for r in response.json()]
    assert sorted(seen) == sorted(made) and len(set(seen)) == 45
    assert [r["id"] for r in (await client.get(BASE, params={"size": 45})).json()] == seen
    small = await client.get(BASE, params={"page": 4, "size": 10})
    assert len(small.json()) == 5 and small.headers["X-Total-Pages"] == "5"


@pytest.mark.parametrize("params", [{"page": -1}, {"size": 0}, {"size": 1001}, {"page": "x"}])
async def test_bad_paging_is_422(client: httpx.AsyncClient, params: dict[str, Any]) -> None:
    response = await client.get(BASE, params=params)
    assert response.status_code == 422
    assert response.json()["error"].startswith(f"query.{next(iter(params))}:")


async def test_filters_combine(client: httpx.AsyncClient) -> None:
    a1 = await _create(client, productId="SKU-A", batchNumber="B1")
    a2 = await _create(client, productId="SKU-A", batchNumber="B2")
    b1 = await _create(client, productId="SKU-B", batchNumber="B1")

    async def ids(**params: Any) -> list[str]:
        response = await client.get(BASE, params=params)
        assert response.headers["X-Total-Count"] == str(len(response.json()))
        return [r["id"] for r in response.json()]

    assert await ids() == [a1["id"], a2["id"], b1["id"]]
    assert await ids(productId="SKU-A") == [a1["id"], a2["id"]]
    assert await ids(batchNumber="B1") == [a1["id"], b1["id"]]
    assert await ids(productId="SKU-A", batchNumber="B1") == [a1["id"]]
    assert await ids(product_id="SKU-B", batch_number="B1") == [b1["id"]]
    assert await ids(productId="SKU-B", batchNumber="B2") == []


async def test_by_product_and_by_batch(client: httpx.AsyncClient) -> None:
    gtin = await _create(client, productId=PRODUCT, batchNumber="L/1")
    digital_link = await _create(
        client, productId="https://id.gs1.org/01/04012345123456", batchNumber="L2"
    )
    await _create(client, productId="SKU-001", batchNumber="L/1")

    # every form of the GTIN finds both; a Digital Link's slashes are part of the path
    for form in (PRODUCT, "https://id.gs1.org/01/04012345123456", "04012345123456"):
        response = await client.get(f"{BASE}/product/{quote(form, safe=':/')}")
        assert response.status_code == 200, response.text
        assert [r["id"] for r in response.json()] == [gtin["id"], digital_link["id"]]
        assert response.headers["X-Total-Count"] == "2"
    plain = (await client.get(f"{BASE}/product/SKU-001")).json()
    assert [r["productId"] for r in plain] == ["SKU-001"]
    assert (await client.get(f"{BASE}/product/SKU-404")).json() == []

    batch = await client.get(f"{BASE}/batch/L/1")
    assert batch.status_code == 200
    assert [r["productId"] for r in batch.json()] == [PRODUCT, "SKU-001"]
    paged = await client.get(f"{BASE}/batch/L/1", params={"size": 1, "page": 1})
    assert [r["productId"] for r in paged.json()] == ["SKU-001"]
    assert paged.headers["X-Total-Count"] == "2"


# -- isolation -------------------------------------------------------------------------------


async def test_another_orgs_record_is_404_everywhere(make_client: MakeClient) -> None:
    mine = make_client(org="acme")
    theirs = make_client(org="globex")
    record = await _create(mine, productId="SKU-ISO", batchNumber="ISO-1")
    url = f"{BASE}/{record['id']}"
    unknown = f"{BASE}/00000000-0000-4000-8000-000000000000"

    for method, body in (("GET", None), ("PATCH", {"notes": "mine now"}), ("DELETE", None)):
        response = await theirs.request(method, url, json=body)
        absent = await theirs.request(method, unknown, json=body)
        assert response.status_code == absent.status_code == 404, method
        assert response.json()["error"] == absent.json()["error"].replace(
            unknown.rsplit("/", 1)[1], record["id"]
        )
    for path, params in ((BASE, {}), (BASE, {"productId": "SKU-ISO"}),
                         (f"{BASE}/product/SKU-ISO", {}), (f"{BASE}/batch/ISO-1", {})):  # fmt: skip
        listed = await theirs.get(path, params=params)
        assert listed.status_code == 200 and listed.json() == []
        assert listed.headers["X-Total-Count"] == "0"
        assert [r["id"] for r in (await mine.get(path, params=params)).json()] == [record["id"]]
    assert (await mine.get(url)).json() == record


# -- links into the graph --------------------------------------------------------------------


async def test_identifiers_link_by_canonical_key(
    client: httpx.AsyncClient, driver: Driver, settings: Settings
) -> None:
    record = await _create(
        client,
        productId=PRODUCT,
        batchNumber="B-2026-042",
        supplierId="urn:epc:id:pgln:4012345.00000",
        processingFacility="urn:epc:id:sgln:4012345.00001.0",
    )
    assert _links(driver, settings, record["id"]) == {
        ("FOR_PRODUCT", "Product", GTIN_KEY),
        ("FOR_INSTANCE", "ProductInstance", LOT_KEY),
        ("SUPPLIED_BY", "Party", "417/4012345000009"),
        ("PROCESSED_AT", "Facility", "414/4012345000016"),
    }
    rows, _, _ = driver.execute_query(
        "MATCH (i:ProductInstance {id: $key})-[:INSTANCE_OF]->(p:Product) "
        "RETURN i.displayId AS display, p.id AS product",
        key=LOT_KEY,
        database_=settings.neo4j_database,
    )
    assert [(r["display"], r["product"]) for r in rows] == [(LOT, GTIN_KEY)]

    # a bare GTIN, and a batch given as a full identifier, link to the same nodes
    bare = await _create(client, productId="04012345123456", batchNumber="B-2026-042")
    full = await _create(client, productId="SKU-001", batchNumber=LOT)
    assert ("FOR_INSTANCE", "ProductInstance", LOT_KEY) in _links(driver, settings, bare["id"])
    assert ("FOR_INSTANCE", "ProductInstance", LOT_KEY) in _links(driver, settings, full["id"])


async def test_plain_strings_are_stored_but_not_linked(
    client: httpx.AsyncClient, driver: Driver, settings: Settings, counts: Counts
) -> None:
    before = counts()
    record = await _create(
        client, supplierId="3f2b9a1c-0000-4000-8000-000000000001", processingFacility="Mill 7"
    )
    assert _links(driver, settings, record["id"]) == set()
    assert counts() == (before[0] + 1, before[1])
    # an opaque URI links only to a node that exists
    await client.put("/api/v1/facilities/urn:example:mill:7", json={"name": "Mill 7"})
    linked = await _create(client, processingFacility="urn:example:mill:7", supplierId="urn:x:y")
    assert _links(driver, settings, linked["id"]) == {
        ("PROCESSED_AT", "Facility", "urn:example:mill:7")
    }


async def test_patch_relinks(client: httpx.AsyncClient, driver: Driver, settings: Settings) -> None:
    record = await _create(client, productId=PRODUCT, batchNumber="OLD")
    response = await client.patch(
        f"{BASE}/{record['id']}", json={"batchNumber": "NEW", "productId": PRODUCT}
    )
    assert response.status_code == 200
    assert _links(driver, settings, record["id"]) == {
        ("FOR_PRODUCT", "Product", GTIN_KEY),
        ("FOR_INSTANCE", "ProductInstance", GTIN_KEY + "/10/NEW"),
    }
    await client.patch(f"{BASE}/{record['id']}", json={"productId": "SKU-9"})
    assert _links(driver, settings, record["id"]) == set()


# -- in traces -------------------------------------------------------------------------------


async def _trace(http: httpx.AsyncClient, lot: str = LOT) -> httpx.Response:
    response = await http.get("/api/v1/traces", params={"productId": lot})
    assert response.status_code == 200, response.text
    return response


async def test_a_trace_shows_the_callers_records_of_its_instances(
    make_client: MakeClient,
) -> None:
    mine = make_client(org="acme")
    theirs = make_client(org="globex")
    await _capture(mine)
    await _capture(theirs)
    plain = await _trace(mine)
    assert "traceabilityRecords" not in plain.json()[LOT]  # the Food Trust blocks only
    assert plain.headers["X-ApiCache"] == "MISS"
    assert (await _trace(mine)).headers["X-ApiCache"] == "HIT"

    record = await _create(mine, productId=PRODUCT, batchNumber="B-2026-042", notes="QA ok")
    await _create(theirs, productId=PRODUCT, batchNumber="B-2026-042", notes="not yours")
    await _create(mine, productId=PRODUCT, batchNumber="another lot")

    traced = await _trace(mine)
    assert traced.headers["X-ApiCache"] == "MISS"  # the new record dropped the cached trace
    blocks = traced.json()[LOT]
    assert blocks["traceabilityRecords"] == {LOT: [record]}
    assert set(blocks) == {"events", "facilities", "payloads", "productInstances", "products",
                           "sequences", "traceabilityRecords"}  # fmt: skip
    assert [r["notes"] for r in (await _trace(theirs)).json()[LOT]["traceabilityRecords"][LOT]] == [
        "not yours"
    ]

    patched = (await mine.patch(f"{BASE}/{record['id']}", json={"notes": "QA redone"})).json()
    assert (await _trace(mine)).json()[LOT]["traceabilityRecords"] == {LOT: [patched]}
    assert (await mine.delete(f"{BASE}/{record['id']}")).status_code == 204
    assert "traceabilityRecords" not in (await _trace(mine)).json()[LOT]


async def test_a_record_made_before_the_capture_joins_the_trace(
    client: httpx.AsyncClient,
) -> None:
    record = await _create(client, productId="https://id.gs1.org/01/04012345123456",
                           batchNumber="B-2026-042")  # fmt: skip
    await _capture(client)
    blocks = (await _trace(client)).json()[LOT]
    # the lot keeps the form the record first gave it, the event's form finds it
    assert list(blocks["traceabilityRecords"].values()) == [[record]]
    assert list(blocks["traceabilityRecords"]) == list(blocks["productInstances"])


# -- scopes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
async def test_scope_matrix(
    make_client: MakeClient, client: httpx.AsyncClient, route: tuple[str, str]
) -> None:
    needed, build = MATRIX[route]
    for scope in ("read", "write", "admin"):
        http = make_client(scopes=[scope])
        method, path, options = await build(client)
        response = await http.request(method, path, **options)
        if needed in ALLOWED[scope]:
            assert 200 <= response.status_code < 300, (scope, response.text)
        else:
            assert response.status_code == 403, (scope, response.text)


def test_the_matrix_covers_every_records_route(app: Any) -> None:
    paths = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if path.startswith(BASE)
    }
    assert set(MATRIX) == paths

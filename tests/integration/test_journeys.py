"""Product journeys and processing stages over HTTP, against the real server."""

from __future__ import annotations

import asyncio
import math
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from matrix_journeys import MATRIX
from neo4j import Driver

from trace_engine.config import Settings
from trace_engine.journeys.schemas import StageCreate, StageUpdate
from trace_engine.journeys.service import JourneyService

MakeClient = Callable[..., httpx.AsyncClient]
BASE = "/api/v1/product/traceability"


async def _journey(http: httpx.AsyncClient, name: str = "T-Shirt SS26", **fields: Any) -> str:
    response = await http.post(BASE, json={"traceabilityName": name, **fields})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _stage(seq: int | None, distance: float = 10.0, co2: float = 1.5, **fields: Any) -> dict:
    body: dict[str, Any] = {"stageName": f"stage {seq}", "distanceKm": distance}
    body["co2Emissions"] = co2
    if seq is not None:
        body["sequenceOrder"] = seq
    return body | fields


async def _add(http: httpx.AsyncClient, journey_id: str, body: dict[str, Any]) -> dict:
    response = await http.post(f"{BASE}/{journey_id}/stages", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _assert_totals(http: httpx.AsyncClient, journey_id: str) -> dict[str, Any]:
    """The journey's totals are the sums of its stages as read back (GET, stages, list)."""
    journey = (await http.get(f"{BASE}/{journey_id}")).json()
    stages = (await http.get(f"{BASE}/{journey_id}/stages")).json()
    assert [s["id"] for s in stages] == [s["id"] for s in journey["processingStages"]]
    distance = math.fsum(s["distanceKm"] for s in stages)
    co2 = math.fsum(s["co2Emissions"] for s in stages)
    assert journey["totalDistanceKm"] == pytest.approx(distance, rel=1e-9, abs=1e-9)
    assert journey["totalCo2PerKg"] == pytest.approx(co2, rel=1e-9, abs=1e-9)
    assert journey["stageCount"] == len(stages)
    orders = [s["sequenceOrder"] for s in stages]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    listed = (await http.get(BASE, params={"limit": 100})).json()["data"]
    row = next(j for j in listed if j["id"] == journey_id)
    assert (row["totalDistanceKm"], row["totalCo2PerKg"]) == (
        journey["totalDistanceKm"],
        journey["totalCo2PerKg"],
    )
    return dict(journey)


# -- stage types and journeys --------------------------------------------------------------------


async def test_stage_types(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{BASE}/stage-types")
    assert response.status_code == 200
    types = response.json()
    assert len(types) >= 10
    assert all(set(t) == {"id", "code", "label", "icon"} for t in types)
    assert len({t["id"] for t in types}) == len(types)
    assert {"SPINNING", "DYEING", "CUTTING", "TRANSPORT"} <= {t["code"] for t in types}


async def test_journey_create_get_patch_delete(
    client: httpx.AsyncClient, driver: Driver, settings: Settings
) -> None:
    pfcr = str(uuid.uuid4())
    created = await client.post(
        BASE,
        json={
            "productId": "product-uuid-1",
            "traceabilityName": "T-Shirt SS26 — Supply Chain",
            "description": "Full cotton-to-garment journey",
            "pfcrCalculationId": pfcr,
            "metadata": {"season": "SS26", "tags": ["cotton"]},
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["traceabilityName"] == "T-Shirt SS26 — Supply Chain"
    assert body["productId"] == "product-uuid-1"  # not an identifier: kept as given
    assert body["pfcrCalculationId"] == pfcr
    assert body["metadata"] == {"season": "SS26", "tags": ["cotton"]}
    assert body["totalDistanceKm"] == 0 and body["totalCo2PerKg"] == 0
    assert body["processingStages"] == [] and body["userId"]
    assert body["createdAt"].endswith("Z") and body["updatedAt"] == body["createdAt"]
    journey_id = body["id"]

    got = (await client.get(f"{BASE}/{journey_id}")).json()
    assert got == body

    patched = await client.patch(
        f"{BASE}/{journey_id}", json={"description": None, "traceability_name": "Renamed"}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["traceabilityName"] == "Renamed"
    assert patched.json()["description"] is None
    assert patched.json()["metadata"] == {"season": "SS26", "tags": ["cotton"]}
    assert patched.json()["createdAt"] == body["createdAt"]

    await _add(client, journey_id, _stage(1))
    await _add(client, journey_id, _stage(2))
    assert (await client.delete(f"{BASE}/{journey_id}")).status_code == 204
    assert (await client.get(f"{BASE}/{journey_id}")).status_code == 404
    assert (await client.delete(f"{BASE}/{journey_id}")).status_code == 404
    assert (await client.patch(f"{BASE}/{journey_id}", json={"description": "x"})).status_code == (
        404
    )
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE n:Journey OR n:ProcessingStage RETURN count(n) AS n",
        database_=settings.neo4j_database,
    )
    assert records[0]["n"] == 0  # the stages went with the journey


async def test_journey_validation_names_the_field(client: httpx.AsyncClient) -> None:
    missing = await client.post(BASE, json={"description": "no name"})
    assert missing.status_code == 422
    assert "traceabilityName" in missing.json()["error"]
    bad_uuid = await client.post(BASE, json={"traceabilityName": "x", "pfcrCalculationId": "1"})
    assert bad_uuid.status_code == 422 and "pfcrCalculationId" in bad_uuid.json()["error"]
    journey_id = await _journey(client)
    computed = await client.patch(f"{BASE}/{journey_id}", json={"totalDistanceKm": 5})
    assert computed.status_code == 422 and "totalDistanceKm" in computed.json()["error"]
    null_name = await client.patch(f"{BASE}/{journey_id}", json={"traceabilityName": None})
    assert null_name.status_code == 422 and "traceabilityName" in null_name.json()["error"]
    assert (await client.get(f"{BASE}/{journey_id}")).json()["traceabilityName"] == "T-Shirt SS26"


async def test_list_pages_search_sort_and_facets(client: httpx.AsyncClient) -> None:
    client_a, client_b, comp = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    ids = {}
    for n, (name, client_id, composition) in enumerate(
        [
            ("Cotton T-Shirt", client_a, comp),
            ("Linen shirt", client_a, None),
            ("Wool sweater", client_b, comp),
            ("Denim jeans", client_b, None),
            ("Silk T-shirt", None, comp),
        ]
    ):
        fields = {"clientId": client_id, "compositionId": composition}
        ids[name] = await _journey(client, name, **{k: v for k, v in fields.items() if v})
        await _add(client, ids[name], _stage(1, distance=100.0 * (n + 1)))

    page1 = (await client.get(BASE, params={"page": 1, "limit": 2})).json()
    page3 = (await client.get(BASE, params={"page": 3, "limit": 2})).json()
    assert page1["meta"] == {"page": 1, "limit": 2, "total": 5, "totalPages": 3}
    assert len(page1["data"]) == 2 and len(page3["data"]) == 1
    assert "processingStages" not in page1["data"][0] and page1["data"][0]["stageCount"] == 1

    shirts = (await client.get(BASE, params={"search": "SHIRT", "sortBy": "traceabilityName",
                                             "sortDirection": "asc"})).json()  # fmt: skip
    assert [j["traceabilityName"] for j in shirts["data"]] == [
        "Cotton T-Shirt",
        "Linen shirt",
        "Silk T-shirt",
    ]
    by_distance = (
        await client.get(BASE, params={"sortBy": "totalDistanceKm", "sortDirection": "desc"})
    ).json()
    assert [j["totalDistanceKm"] for j in by_distance["data"]] == [500, 400, 300, 200, 100]
    ascending = (await client.get(BASE, params={"sortBy": "totalDistanceKm",
                                                "sortDirection": "asc"})).json()  # fmt: skip
    assert [j["totalDistanceKm"] for j in ascending["data"]] == [100, 200, 300, 400, 500]
    newest = (await client.get(BASE)).json()["data"]
    assert [j["createdAt"] for j in newest] == sorted(
        (j["createdAt"] for j in newest), reverse=True
    )

    facets = (await client.get(BASE)).json()["facets"]
    assert {f["value"]: f["count"] for f in facets["clientIds"]} == {client_a: 2, client_b: 2}
    assert facets["compositionIds"] == [{"value": comp, "count": 3}]
    filtered = await client.get(BASE, params={"clientIds": [client_a], "compositionIds": comp})
    body = filtered.json()
    assert [j["traceabilityName"] for j in body["data"]] == ["Cotton T-Shirt"]
    assert body["meta"]["total"] == 1
    # each facet is counted under the other facet's filter only
    assert {f["value"]: f["count"] for f in body["facets"]["clientIds"]} == {
        client_a: 1,
        client_b: 1,
    }
    assert body["facets"]["compositionIds"] == [{"value": comp, "count": 1}]
    both = await client.get(BASE, params={"clientIds": f"{client_a},{client_b}"})
    assert both.json()["meta"]["total"] == 4

    for bad in ({"limit": 101}, {"limit": 0}, {"page": 0}, {"sortBy": "name) DETACH DELETE j"},
                {"sortDirection": "sideways"}):  # fmt: skip
        response = await client.get(BASE, params=bad)
        assert response.status_code == 422, bad
        assert next(iter(bad)) in response.json()["error"]


# -- stages ------------------------------------------------------------------------------------


async def test_stage_append_patch_delete_keep_totals(client: httpx.AsyncClient) -> None:
    journey_id = await _journey(client)
    first = await _add(
        client,
        journey_id,
        {
            "sequenceOrder": 2,
            "stageName": "Cotton cultivation",
            "companyType": "SUPPLIER",
            "supplierId": "3f2b9a1c-supplier",
            "transportMode": "TRUCK",
            "startsFromCompany": False,
            "distanceKm": 120,
            "co2Emissions": 15.4,
            "certificationsSnapshot": "GOTS",
        },
    )
    assert first["traceabilityId"] == journey_id and first["sequenceOrder"] == 2
    assert first["companyType"] == "SUPPLIER" and first["supplierId"] == "3f2b9a1c-supplier"
    assert first["companyId"] is None and first["distanceKm"] == 120
    await _assert_totals(client, journey_id)
    # the older document's snake_case form, an integer supplier id, ROAD for TRUCK
    older = await _add(
        client,
        journey_id,
        {"sequence_order": 1, "stage_name": "Spinning", "supplier_id": 5,
         "transport_mode": "ROAD", "distance_km": 0, "co2_emissions": 0,
         "internal_process": True},
    )  # fmt: skip
    assert older["supplierId"] == "5" and older["transportMode"] == "TRUCK"
    assert older["stageName"] == "Spinning" and older["internalProcess"] == "true"
    appended = await _add(client, journey_id, _stage(None, distance=2200.5, co2=0.18))
    assert appended["sequenceOrder"] == 3  # next free position
    await _assert_totals(client, journey_id)

    journey = (await client.get(f"{BASE}/{journey_id}")).json()
    assert [s["sequenceOrder"] for s in journey["processingStages"]] == [1, 2, 3]
    assert journey["totalDistanceKm"] == pytest.approx(2320.5)
    assert journey["totalCo2PerKg"] == pytest.approx(15.58)

    patched = await client.patch(
        f"{BASE}/stages/{first['id']}", json={"distanceKm": 80, "transportMode": "sea"}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["distanceKm"] == 80 and patched.json()["transportMode"] == "SHIP"
    assert patched.json()["stageName"] == "Cotton cultivation"  # unchanged
    assert patched.json()["createdAt"] == first["createdAt"]
    moved = await client.patch(f"{BASE}/stages/{first['id']}", json={"sequenceOrder": 7})
    assert moved.status_code == 200
    journey = await _assert_totals(client, journey_id)
    assert journey["totalDistanceKm"] == pytest.approx(2280.5)
    assert [s["stageName"] for s in journey["processingStages"]] == [
        "Spinning",
        "stage None",
        "Cotton cultivation",
    ]

    assert (await client.delete(f"{BASE}/stages/{appended['id']}")).status_code == 204
    assert (await client.delete(f"{BASE}/stages/{appended['id']}")).status_code == 404
    assert (await client.patch(f"{BASE}/stages/{appended['id']}", json={})).status_code == 404
    journey = await _assert_totals(client, journey_id)
    assert journey["totalDistanceKm"] == pytest.approx(80)
    assert journey["totalCo2PerKg"] == pytest.approx(15.4)
    for stage in journey["processingStages"]:
        assert (await client.delete(f"{BASE}/stages/{stage['id']}")).status_code == 204
    journey = await _assert_totals(client, journey_id)
    assert journey["totalDistanceKm"] == 0 and journey["totalCo2PerKg"] == 0
    missing = await client.post(f"{BASE}/{uuid.uuid4()}/stages", json=_stage(1))
    assert missing.status_code == 404 and "journey not found" in missing.json()["error"]


async def test_stage_validation_names_the_field_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    journey_id = await _journey(client)
    stage = await _add(client, journey_id, _stage(1, distance=50, co2=2))
    before = (await client.get(f"{BASE}/{journey_id}")).json()

    cases: list[tuple[dict[str, Any], int, str]] = [
        (_stage(2, companyType="SUPPLIER"), 422, "supplierId"),
        (_stage(2, companyType="COMPANY", supplierId="s"), 422, "companyId"),
        (_stage(2, transportMode="BICYCLE"), 422, "transportMode"),
        (_stage(2, companyType="PARTNER"), 422, "companyType"),
        (_stage(0), 422, "sequenceOrder"),
        (_stage(-1), 422, "sequenceOrder"),
        (_stage(2, distance=-1), 422, "distanceKm"),
        (_stage(2, co2=-0.5), 422, "co2Emissions"),
        ({"sequenceOrder": 2}, 422, "stageName"),
        (_stage(1), 409, "sequenceOrder"),
    ]
    for body, status, field in cases:
        response = await client.post(f"{BASE}/{journey_id}/stages", json=body)
        assert response.status_code == status, (body, response.text)
        assert field in response.json()["error"], (body, response.text)

    other = await _add(client, journey_id, _stage(2, distance=5, co2=1))
    patches: list[tuple[dict[str, Any], int, str]] = [
        ({"sequenceOrder": 2}, 409, "sequenceOrder"),
        ({"companyType": "SUPPLIER"}, 422, "supplierId"),
        ({"companyType": "COMPANY"}, 422, "companyId"),
        ({"stageName": None}, 422, "stageName"),
        ({"distanceKm": None}, 422, "distanceKm"),
        ({"distanceKm": -3}, 422, "distanceKm"),
        ({"transportMode": "HORSE"}, 422, "transportMode"),
        ({"id": "x"}, 422, "id"),
    ]
    for body, status, field in patches:
        response = await client.patch(f"{BASE}/stages/{stage['id']}", json=body)
        assert response.status_code == status, (body, response.text)
        assert field in response.json()["error"], (body, response.text)
    after = (await client.get(f"{BASE}/{journey_id}")).json()
    assert after["processingStages"][0] == before["processingStages"][0]
    assert after["processingStages"][1]["id"] == other["id"]
    await _assert_totals(client, journey_id)
    # a supplier given, SUPPLIER is fine; clearing it again under SUPPLIER is not
    ok = await client.patch(
        f"{BASE}/stages/{stage['id']}", json={"companyType": "supplier", "supplierId": "s-1"}
    )
    assert ok.status_code == 200 and ok.json()["companyType"] == "SUPPLIER"
    cleared = await client.patch(f"{BASE}/stages/{stage['id']}", json={"supplierId": None})
    assert cleared.status_code == 422 and "supplierId" in cleared.json()["error"]


async def test_bulk_upsert_creates_updates_and_lists_failures(client: httpx.AsyncClient) -> None:
    journey_id = await _journey(client)
    existing = await _add(client, journey_id, _stage(1, distance=1, co2=1))
    second = await _add(client, journey_id, _stage(5, distance=2, co2=2))
    stages = [
        # the document's example (snake_case, ROAD / SEA): seq 1 exists, so it is updated
        {"sequence_order": 1, "stage_name": "Spinning", "supplier_id": 5,
         "distance_km": 0, "co2_emissions": 0},
        {"sequence_order": 2, "stage_name": "Dyeing", "supplier_id": 8,
         "transport_mode": "ROAD", "distance_km": 2200, "co2_emissions": 0.18},
        {"sequence_order": 3, "stage_name": "Cutting", "supplier_id": 12,
         "transport_mode": "SEA", "distance_km": 8500, "co2_emissions": 0.42},
        {"sequenceOrder": 4, "stageName": "Bad", "distanceKm": -5},           # 3: negative
        {"sequenceOrder": 6, "stageName": "Bad", "companyType": "SUPPLIER"},  # 4: no supplier
        {"id": str(uuid.uuid4()), "stageName": "Ghost"},                       # 5: unknown id
        {"id": second["id"], "sequenceOrder": 2},                              # 6: seq taken
        {"sequenceOrder": 7, "stageName": "Bad", "transportMode": "CAMEL"},   # 7: mode
        {"sequenceOrder": 8},                                                  # 8: no name
        {"id": second["id"], "distanceKm": 40.25, "co2Emissions": 3},          # 9: update by id
        {"stageName": "Appended", "distanceKm": 1.5},                          # 10: next free
        {"sequenceOrder": 0, "stageName": "Bad"},                              # 11: seq < 1
        {"sequenceOrder": 9, "stageName": "Bad", "colour": "red"},            # 12: unknown field
    ]  # fmt: skip
    response = await client.post(f"{BASE}/{journey_id}/stages/bulk", json={"stages": stages})
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["created"], result["updated"], result["failed"]) == (3, 2, 8)
    errors = {e["index"]: e["field"] for e in result["errors"]}
    assert errors == {
        3: "distanceKm",
        4: "supplierId",
        5: "id",
        6: "sequenceOrder",
        7: "transportMode",
        8: "stageName",
        11: "sequenceOrder",
        12: "colour",
    }
    assert all(e["message"] for e in result["errors"])
    journey = await _assert_totals(client, journey_id)
    assert result["totalDistanceKm"] == journey["totalDistanceKm"]
    assert result["totalCo2PerKg"] == journey["totalCo2PerKg"]
    by_seq = {s["sequenceOrder"]: s for s in journey["processingStages"]}
    assert sorted(by_seq) == [1, 2, 3, 5, 6]
    assert by_seq[1]["id"] == existing["id"] and by_seq[1]["stageName"] == "Spinning"
    assert by_seq[1]["distanceKm"] == 0 and by_seq[1]["supplierId"] == "5"
    assert by_seq[2]["transportMode"] == "TRUCK" and by_seq[3]["transportMode"] == "SHIP"
    assert by_seq[5]["id"] == second["id"] and by_seq[5]["distanceKm"] == 40.25
    assert by_seq[6]["stageName"] == "Appended"
    assert journey["totalDistanceKm"] == pytest.approx(0 + 2200 + 8500 + 40.25 + 1.5)
    assert journey["totalCo2PerKg"] == pytest.approx(0.18 + 0.42 + 3)

    # all failing: nothing changes; the body's shape is checked
    again = await client.post(
        f"{BASE}/{journey_id}/stages/bulk", json={"stages": [{"sequenceOrder": -1}]}
    )
    assert again.json()["failed"] == 1 and again.json()["created"] == 0
    assert (await _assert_totals(client, journey_id))["totalDistanceKm"] == journey[
        "totalDistanceKm"
    ]
    no_list = await client.post(f"{BASE}/{journey_id}/stages/bulk", json={"stage": []})
    assert no_list.status_code == 422 and "stages" in no_list.json()["error"]
    gone = await client.post(f"{BASE}/{uuid.uuid4()}/stages/bulk", json={"stages": []})
    assert gone.status_code == 404


async def test_bulk_upsert_of_1000_stages_in_one_request(client: httpx.AsyncClient) -> None:
    journey_id = await _journey(client)
    stages = [
        {"sequenceOrder": n, "stageName": f"Leg {n}", "transportMode": "TRUCK",
         "distanceKm": n * 1.1, "co2Emissions": n * 0.01}
        for n in range(1, 1001)
    ]  # fmt: skip
    response = await client.post(
        f"{BASE}/{journey_id}/stages/bulk", json={"stages": stages}, timeout=120
    )
    assert response.status_code == 200, response.text
    assert response.json() == response.json() | {"created": 1000, "updated": 0, "failed": 0}
    journey = await _assert_totals(client, journey_id)
    assert journey["stageCount"] == 1000
    assert [s["sequenceOrder"] for s in journey["processingStages"]] == list(range(1, 1001))
    assert journey["totalDistanceKm"] == pytest.approx(math.fsum(n * 1.1 for n in range(1, 1001)))
    # the same request again updates them all
    again = await client.post(f"{BASE}/{journey_id}/stages/bulk", json={"stages": stages})
    assert (again.json()["created"], again.json()["updated"]) == (0, 1000)
    assert (await _assert_totals(client, journey_id))["stageCount"] == 1000


# -- concurrency ---------------------------------------------------------------------------------


async def test_twenty_concurrent_stage_writes_lose_nothing(client: httpx.AsyncClient) -> None:
    journey_id = await _journey(client)
    # the stage at 500 stays, so "next free" appends (501, 502) never take a position
    # that an append at a given position (100-113) asks for
    seeded = [await _add(client, journey_id, _stage(n, 1, 1)) for n in (1, 2, 3, 500)]

    async def write(n: int) -> int:
        if n < 14:  # appends at distinct given positions
            response = await client.post(
                f"{BASE}/{journey_id}/stages", json=_stage(100 + n, distance=n, co2=n / 10)
            )
        elif n < 16:  # appends at the next free position, racing each other
            response = await client.post(f"{BASE}/{journey_id}/stages", json=_stage(None, n))
        elif n < 18:  # deletions of seeded stages
            response = await client.delete(f"{BASE}/stages/{seeded[n - 16]['id']}")
        else:  # updates of the other seeded stages
            response = await client.patch(
                f"{BASE}/stages/{seeded[n - 16]['id']}", json={"distanceKm": 1000 + n}
            )
        return response.status_code

    statuses = await asyncio.gather(*(write(n) for n in range(20)))
    assert sorted(statuses) == sorted([201] * 16 + [204] * 2 + [200] * 2)
    journey = await _assert_totals(client, journey_id)
    assert journey["stageCount"] == 4 + 16 - 2
    assert [s["sequenceOrder"] for s in journey["processingStages"]][-3:] == [500, 501, 502]
    expected = math.fsum(range(14)) + 14 + 15 + 1018 + 1019
    assert journey["totalDistanceKm"] == pytest.approx(expected)
    co2 = math.fsum(n / 10 for n in range(14)) + 1.5 * 2 + 1 + 1
    assert journey["totalCo2PerKg"] == pytest.approx(co2)


async def test_concurrent_writes_through_the_service_in_threads(
    client: httpx.AsyncClient, driver: Driver, settings: Settings
) -> None:
    journey_id = await _journey(client)
    org = settings.default_org  # the org of `client`
    service = JourneyService(driver, settings.neo4j_database)
    first = service.add_stage(org, None, journey_id, StageCreate(stage_name="a", distance_km=1))

    def write(n: int) -> None:
        if n % 4 == 0:
            service.update_stage(org, first.id, StageUpdate(co2_emissions=float(n)))
        else:
            service.add_stage(
                org,
                None,
                journey_id,
                StageCreate(stage_name=f"s{n}", distance_km=n, co2_emissions=1),
            )

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(write, range(20)))
    journey = await _assert_totals(client, journey_id)
    assert journey["stageCount"] == 1 + 15
    assert [s["sequenceOrder"] for s in journey["processingStages"]] == list(range(1, 17))
    added = [n for n in range(20) if n % 4]
    assert journey["totalDistanceKm"] == pytest.approx(1 + sum(added))


# -- isolation and links -------------------------------------------------------------------------


async def test_another_orgs_journeys_and_stages_are_404_everywhere(
    make_client: MakeClient,
) -> None:
    a, b = make_client(org="org-a"), make_client(org="org-b")
    journey_id = await _journey(a, "A's journey")
    stage = await _add(a, journey_id, _stage(1, distance=7, co2=0.7))
    before = (await a.get(f"{BASE}/{journey_id}")).json()
    attempts = [
        b.get(f"{BASE}/{journey_id}"),
        b.patch(f"{BASE}/{journey_id}", json={"traceabilityName": "taken"}),
        b.delete(f"{BASE}/{journey_id}"),
        b.get(f"{BASE}/{journey_id}/stages"),
        b.post(f"{BASE}/{journey_id}/stages", json=_stage(2)),
        b.post(f"{BASE}/{journey_id}/stages/bulk", json={"stages": [_stage(2)]}),
        b.patch(f"{BASE}/stages/{stage['id']}", json={"distanceKm": 1}),
        b.delete(f"{BASE}/stages/{stage['id']}"),
    ]
    for response in [await attempt for attempt in attempts]:
        assert response.status_code == 404, response.text
        assert "not found" in response.json()["error"]
    # the same answer as for ids that exist nowhere: nothing leaks
    nowhere = await b.get(f"{BASE}/{uuid.uuid4()}")
    assert nowhere.status_code == 404
    assert (await b.get(BASE)).json()["meta"]["total"] == 0
    assert (await b.get(BASE)).json()["facets"] == {"clientIds": [], "compositionIds": []}
    assert (await a.get(f"{BASE}/{journey_id}")).json() == before


async def test_links_to_existing_product_and_facility_nodes(
    client: httpx.AsyncClient, driver: Driver, settings: Settings
) -> None:
    gtin_epc = "urn:epc:idpat:sgtin:4012345.012345.*"
    gln_link = "https://id.gs1.org/414/4012345000016"
    assert (await client.put(f"/api/v1/products/{gtin_epc}", json={"name": "P"})).is_success
    assert (await client.put(f"/api/v1/facilities/{gln_link}", json={"name": "F"})).is_success
    journey_id = await _journey(client, productId="https://id.gs1.org/01/04012345123456")
    await _add(
        client,
        journey_id,
        _stage(1, companyType="SUPPLIER", supplierId="urn:epc:id:sgln:4012345.00001.0"),
    )
    await _add(client, journey_id, _stage(2, companyType="COMPANY", companyId="not-a-gln"))
    records, _, _ = driver.execute_query(
        "MATCH (j:Journey {id: $id}) "
        "OPTIONAL MATCH (j)-[:FOR_PRODUCT]->(p:Product) "
        "OPTIONAL MATCH (j)-[:HAS_STAGE]->(:ProcessingStage)-[r:STAGE_AT]->(f:Facility) "
        "RETURN collect(DISTINCT p.id) AS products, collect(DISTINCT [r.role, f.id]) AS sites",
        id=journey_id,
        database_=settings.neo4j_database,
    )
    assert records[0]["products"] == ["01/04012345123456"]
    assert records[0]["sites"] == [["supplier", "414/4012345000016"]]
    journey = (await client.get(f"{BASE}/{journey_id}")).json()
    # the values are returned as given
    assert journey["productId"] == "https://id.gs1.org/01/04012345123456"
    assert journey["processingStages"][1]["companyId"] == "not-a-gln"
    # changing the product relinks
    await client.patch(f"{BASE}/{journey_id}", json={"productId": "something-else"})
    records, _, _ = driver.execute_query(
        "MATCH (j:Journey {id: $id}) RETURN COUNT { (j)-[:FOR_PRODUCT]->() } AS n",
        id=journey_id,
        database_=settings.neo4j_database,
    )
    assert records[0]["n"] == 0


# -- scopes: the routes of matrix_journeys.MATRIX (merged into test_auth.py's MATRIX) -----------


def test_the_journey_matrix_covers_every_journey_route(app: FastAPI) -> None:
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if path.startswith(BASE)
    }
    assert set(MATRIX) == routes


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
async def test_journey_scope_matrix(
    make_client: MakeClient, client: httpx.AsyncClient, route: tuple[str, str]
) -> None:
    needed, build = MATRIX[route]
    allowed = {"read": {"read", "admin"}, "write": {"write", "admin"}}[needed]  # by name
    for scope in ("read", "write", "admin"):
        method, path, options = await build(client)
        response = await make_client(scopes=[scope]).request(method, path, **options)
        if scope in allowed:
            assert 200 <= response.status_code < 300, (scope, response.text)
        else:
            assert response.status_code == 403, (scope, response.text)
            assert needed in response.json()["error"]
    anonymous = await make_client(anonymous=True).request(method, path, **options)
    assert anonymous.status_code == 401

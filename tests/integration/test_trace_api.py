"""The trace API over HTTP: identifier forms, errors, extensions, the cache."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import orjson
import pytest

PATHS = ("/ift/api/outbound/v1/traces", "/api/v1/traces")
FARM_LOT = "urn:epc:class:lgtin:4012345.012345.FARM1"
FARM_LOT_DL = "https://id.gs1.org/01/04012345123456/10/FARM1"
OTHER_LOT = "urn:epc:class:lgtin:4012345.012345.FARM2"
MIX_LOT = "urn:epc:class:lgtin:4012345.022345.MIX1"
PALLET = "urn:epc:id:sscc:4012345.0000000001"


def _event(eid: int, time: str, **body: Any) -> dict[str, Any]:
    return {
        "eventID": f"urn:uuid:20000000-0000-4000-8000-{eid:012d}",
        "eventTime": time,
        "eventTimeZoneOffset": "+00:00",
        **body,
    }


def _chain() -> list[dict[str, Any]]:
    """Two farm lots mixed into one lot, palletised and shipped to a store."""
    commission = [
        _event(
            n,
            f"2024-05-0{n}T08:00:00.000Z",
            type="ObjectEvent",
            action="ADD",
            bizStep="commissioning",
            quantityList=[{"epcClass": lot, "quantity": 100 * n, "uom": "KGM"}],
            bizLocation={"id": f"urn:epc:id:sgln:4012345.0000{n}.0"},
        )
        for n, lot in ((1, FARM_LOT), (2, OTHER_LOT))
    ]
    mix = _event(
        3,
        "2024-05-05T08:00:00.000Z",
        type="TransformationEvent",
        bizStep="creating_class_instance",
        inputQuantityList=[
            {"epcClass": FARM_LOT, "quantity": 100, "uom": "KGM"},
            {"epcClass": OTHER_LOT, "quantity": 200, "uom": "KGM"},
        ],
        outputQuantityList=[{"epcClass": MIX_LOT, "quantity": 290, "uom": "KGM"}],
        bizLocation={"id": "urn:epc:id:sgln:4012345.00009.0"},
    )
    pack = _event(
        4,
        "2024-05-06T08:00:00.000Z",
        type="AggregationEvent",
        action="ADD",
        bizStep="packing",
        parentID=PALLET,
        childQuantityList=[{"epcClass": MIX_LOT, "quantity": 290, "uom": "KGM"}],
        bizLocation={"id": "urn:epc:id:sgln:4012345.00009.0"},
    )
    ship = _event(
        5,
        "2024-05-07T08:00:00.000Z",
        type="ObjectEvent",
        action="OBSERVE",
        bizStep="shipping",
        epcList=[PALLET],
        bizLocation={"id": "urn:epc:id:sgln:4012345.00009.0"},
        sourceList=[{"type": "location", "source": "urn:epc:id:sgln:4012345.00009.0"}],
        destinationList=[{"type": "location", "destination": "urn:epc:id:sgln:4012345.00077.0"}],
    )
    stock = _event(
        6,
        "2024-05-08T08:00:00.000Z",
        type="ObjectEvent",
        action="OBSERVE",
        bizStep="stocking",
        quantityList=[{"epcClass": MIX_LOT, "quantity": 10, "uom": "KGM"}],
        bizLocation={"id": "urn:epc:id:sgln:4012345.00077.0"},
    )
    return [*commission, mix, pack, ship, stock]


def _document(events: list[dict[str, Any]]) -> bytes:
    return orjson.dumps(
        {
            "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2024-05-01T00:00:00Z",
            "epcisBody": {"eventList": [{"type": e.pop("type"), **e} for e in events]},
        }
    )


async def _capture(client: httpx.AsyncClient, events: list[dict[str, Any]]) -> None:
    response = await client.post(
        "/epcis/capture", content=_document(events), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 202, response.text
    job = (await client.get(response.headers["Location"])).json()
    assert job["rejectedCount"] == 0 and job["running"] is False, job


async def _trace(client: httpx.AsyncClient, product: str, path: str = PATHS[0], **params: Any):  # type: ignore[no-untyped-def]
    return await client.get(path, params={"productId": product, **params})


def _ids(response: httpx.Response, product: str, block: str) -> set[str]:
    return set(response.json()[product][block])


@pytest.fixture
async def chain(client: httpx.AsyncClient) -> None:
    await _capture(client, _chain())


@pytest.mark.parametrize("path", PATHS)
async def test_both_paths_answer_the_food_trust_shape(
    client: httpx.AsyncClient, chain: None, path: str
) -> None:
    response = await _trace(client, FARM_LOT, path, events="all")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {FARM_LOT, "x-version"}
    blocks = body[FARM_LOT]
    assert set(blocks) == {
        "events", "facilities", "payloads", "productInstances", "products", "sequences"
    }  # fmt: skip
    assert set(blocks["sequences"]) == {"events", "facilities", "productInstances"}
    # downstream of the farm lot: the mix, the pallet it travelled on, the store; not the
    # other farm's lot (a sibling) nor its commissioning event
    assert set(blocks["productInstances"]) == {FARM_LOT, MIX_LOT, PALLET}
    assert len(blocks["events"]) == 5
    assert "urn:uuid:20000000-0000-4000-8000-000000000002" not in blocks["events"]
    shipping = blocks["events"]["urn:uuid:20000000-0000-4000-8000-000000000005"]["data"]
    assert shipping["facility"] == {
        "id": "urn:epc:id:sgln:4012345.00009.0",
        "sources": [{"id": "urn:epc:id:sgln:4012345.00009.0"}],
        "destinations": [{"id": "urn:epc:id:sgln:4012345.00077.0"}],
    }
    assert shipping["productInstances"] == {
        "instances": [{"id": PALLET, "quantity": 1, "unit": "EA"}]
    }
    assert blocks["sequences"]["productInstances"] == [{"source": FARM_LOT, "target": MIX_LOT}]


async def test_default_events_are_lot_creation_transformation_and_store_scan(
    client: httpx.AsyncClient, chain: None
) -> None:
    response = await _trace(client, MIX_LOT)
    types = {e["data"]["type"] for e in response.json()[MIX_LOT]["events"].values()}
    assert types == {"commission", "transformation", "observation"}
    steps = {e["data"]["step"] for e in response.json()[MIX_LOT]["events"].values()}
    assert "urn:epcglobal:cbv:bizstep:shipping" not in steps
    assert "urn:epcglobal:cbv:bizstep:stocking" in steps


async def test_every_identifier_form_finds_the_same_instance(
    client: httpx.AsyncClient, chain: None
) -> None:
    epc = (await _trace(client, FARM_LOT, events="all")).json()[FARM_LOT]
    link = (await _trace(client, FARM_LOT_DL, events="all")).json()[FARM_LOT_DL]
    assert link == epc


async def test_unknown_is_404_and_malformed_is_400(client: httpx.AsyncClient, chain: None) -> None:
    unknown = await _trace(client, "urn:epc:class:lgtin:4012345.012345.NOPE")
    assert unknown.status_code == 404
    assert "NOPE" in unknown.json()["error"]
    malformed = await _trace(client, "urn:epc:class:lgtin:4012345.012345")
    assert malformed.status_code == 400
    assert "urn:epc:class:lgtin:4012345.012345" in malformed.json()["error"]
    a_place = await _trace(client, "urn:epc:id:sgln:4012345.00009.0")
    assert a_place.status_code == 400 and "location" in a_place.json()["error"]
    missing = await client.get(PATHS[0])
    assert missing.status_code == 422 and "productId" in missing.json()["error"]


async def test_direction_depth_and_time_window(client: httpx.AsyncClient, chain: None) -> None:
    # upstream: the inputs it was made from and the pallet it travelled in
    up = await _trace(client, MIX_LOT, direction="upstream", events="all")
    assert _ids(up, MIX_LOT, "productInstances") == {FARM_LOT, OTHER_LOT, MIX_LOT, PALLET}
    down = await _trace(client, MIX_LOT, direction="downstream", events="all")
    assert _ids(down, MIX_LOT, "productInstances") == {MIX_LOT, PALLET}

    retail = "urn:epc:class:lgtin:4012345.032345.RETAIL1"
    repack = _event(
        8,
        "2024-05-08T09:00:00.000Z",
        type="TransformationEvent",
        bizStep="repackaging",
        inputQuantityList=[{"epcClass": MIX_LOT, "quantity": 10, "uom": "KGM"}],
        outputQuantityList=[{"epcClass": retail, "quantity": 40, "uom": "EA"}],
        bizLocation={"id": "urn:epc:id:sgln:4012345.00077.0"},
    )
    await _capture(client, [repack])
    one_hop = await _trace(client, FARM_LOT, direction="downstream", depth=1, events="all")
    assert _ids(one_hop, FARM_LOT, "productInstances") == {FARM_LOT, MIX_LOT, PALLET}
    two_hops = await _trace(client, FARM_LOT, direction="downstream", depth=2, events="all")
    assert _ids(two_hops, FARM_LOT, "productInstances") == {FARM_LOT, MIX_LOT, PALLET, retail}
    window = await _trace(
        client, MIX_LOT, events="all", since="2024-05-05T00:00:00Z", until="2024-05-07T12:00:00Z"
    )
    times = sorted(e["data"]["time"] for e in window.json()[MIX_LOT]["events"].values())
    assert times == [
        "2024-05-05T08:00:00.000Z", "2024-05-06T08:00:00.000Z", "2024-05-07T08:00:00.000Z"
    ]  # fmt: skip
    bad = await _trace(client, MIX_LOT, direction="sideways")
    assert bad.status_code == 422 and "direction" in bad.json()["error"]


async def test_a_trace_over_the_cap_is_a_clear_error(
    client: httpx.AsyncClient, chain: None
) -> None:
    client_app = client._transport.app  # type: ignore[attr-defined]
    client_app.state.trace_service.max_events = 3
    response = await _trace(client, FARM_LOT, events="all")
    assert response.status_code == 422
    assert "limit of 3" in response.json()["error"]


async def test_cache_hit_bypass_and_invalidation_by_capture(
    client: httpx.AsyncClient, chain: None
) -> None:
    first = await _trace(client, MIX_LOT)
    assert first.headers["X-ApiCache"] == "MISS"
    second = await _trace(client, MIX_LOT)
    assert second.headers["X-ApiCache"] == "HIT"
    assert second.json() == first.json()
    bypass = await client.get(
        PATHS[0], params={"productId": MIX_LOT}, headers={"X-ApiCache-Bypass": "true"}
    )
    assert bypass.headers["X-ApiCache"] == "MISS"
    assert (await _trace(client, MIX_LOT)).headers["X-ApiCache"] == "HIT"

    # a new store scan of the mixed lot: the next trace is a miss and includes it
    scan = _event(
        7,
        "2024-05-09T08:00:00.000Z",
        type="ObjectEvent",
        action="OBSERVE",
        bizStep="stocking",
        quantityList=[{"epcClass": MIX_LOT, "quantity": 5, "uom": "KGM"}],
        bizLocation={"id": "urn:epc:id:sgln:4012345.00078.0"},
    )
    await _capture(client, [scan])
    after = await _trace(client, MIX_LOT)
    assert after.headers["X-ApiCache"] == "MISS"
    assert "urn:uuid:20000000-0000-4000-8000-000000000007" in after.json()[MIX_LOT]["events"]

    # the farm lot's cached trace contains the mix too, so it was dropped as well
    farm = await _trace(client, FARM_LOT)
    assert farm.headers["X-ApiCache"] == "MISS"


async def test_events_of_the_same_product_are_reachable_by_encoded_id(
    client: httpx.AsyncClient, chain: None
) -> None:
    response = await client.get(f"{PATHS[1]}?productId={quote(FARM_LOT_DL, safe='')}")
    assert response.status_code == 200
    assert FARM_LOT_DL in response.json()

"""The app on a routing driver (`neo4j://`, how a cluster is reached) against the suite's
server: a single server answers the routing protocol too. The cheap check that runs in every
CI run; the whole suite runs over `neo4j://` with `NEO4J_URI=neo4j://… bash scripts/test`
(README, "Neo4j cluster")."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import orjson
import pytest
from fastapi import FastAPI
from neo4j import Driver

from api.main import create_app
from trace_engine.config import Settings
from trace_engine.keys import KeyCreate, KeyService

LOT = "urn:epc:class:lgtin:4012345.012345.ROUTED1"


def _routed(settings: Settings) -> Settings:
    scheme, rest = settings.neo4j_uri.split("://", 1)
    routed = {"bolt": "neo4j", "bolt+s": "neo4j+s", "bolt+ssc": "neo4j+ssc"}.get(scheme, scheme)
    return settings.model_copy(update={"neo4j_uri": f"{routed}://{rest}"})


@pytest.fixture
async def routed_app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(_routed(settings))
    async with application.router.lifespan_context(application):
        yield application


def _event(n: int, **body: object) -> dict[str, object]:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:22220000-0000-4000-8000-{n:012d}",
        "eventTime": f"2024-06-0{n}T08:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "quantityList": [{"epcClass": LOT, "quantity": n, "uom": "KGM"}],
        **body,
    }


async def test_capture_job_and_trace_over_a_routing_driver(
    routed_app: FastAPI, driver: Driver, settings: Settings
) -> None:
    app_driver: Driver = routed_app.state.driver
    assert app_driver.__class__.__name__ == "Neo4jDriver"  # the routing driver
    _, secret = KeyService(driver, settings.neo4j_database).create_key(
        settings.default_org, KeyCreate(name="routed", scopes=["admin"])
    )
    transport = httpx.ASGITransport(app=routed_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers={"Authorization": f"Bearer {secret}"}
    ) as client:
        jobs = []
        for n, extra in (
            (1, {"action": "ADD", "bizStep": "commissioning"}),
            (2, {"bizStep": "stocking"}),
        ):
            document = {
                "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                "type": "EPCISDocument",
                "schemaVersion": "2.0",
                "creationDate": "2024-06-01T00:00:00Z",
                "epcisBody": {"eventList": [_event(n, **extra)]},
            }
            response = await client.post(
                "/epcis/capture",
                content=orjson.dumps(document),
                headers={"Content-Type": "application/ld+json"},
            )
            assert response.status_code == 202, response.text
            job = await client.get(response.headers["Location"])  # the job's read (a read tx)
            assert job.status_code == 200 and job.json()["success"] is True, job.text
            jobs.append(job.json()["captureID"])
            # the trace right after the capture, then from the cache, then recomputed
            trace = await client.get(
                "/ift/api/outbound/v1/traces",
                params={"productId": LOT},
                headers={"X-ApiCache-Bypass": "true"},
            )
            assert trace.status_code == 200, trace.text
            assert len(trace.json()[LOT]["events"]) == n
        listed = await client.get("/epcis/capture")  # the jobs list, a read on any member
        assert listed.status_code == 200 and all(j in listed.text for j in jobs)
        health = await client.get("/health")
        assert health.json()["neo4j"]["reachable"] is True
    # the process's reads followed its writes: its bookmark manager holds the latest one
    assert routed_app.state.bookmarks.own()

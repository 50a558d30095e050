"""API keys, scopes, rate limits and tenant isolation, against the real server."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import httpx
import orjson
import pytest
from fastapi import FastAPI
from matrix_enterprise import MATRIX as ENTERPRISE_MATRIX
from matrix_epcis_query import MATRIX as EPCIS_QUERY_MATRIX
from matrix_investigator import MATRIX as INVESTIGATOR_MATRIX
from matrix_journeys import MATRIX as JOURNEYS_MATRIX
from matrix_named_queries import MATRIX as NAMED_QUERIES_MATRIX
from matrix_records import MATRIX as RECORDS_MATRIX
from matrix_watches import MATRIX as WATCHES_MATRIX

from api.errors import DATABASE_UNAVAILABLE
from api.main import create_app
from trace_engine.config import Settings
from trace_engine.graph.driver import make_driver
from trace_engine.keys import hash_secret

MakeClient = Callable[..., httpx.AsyncClient]
PUBLIC = {"/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
PUBLIC |= {"/", "/guides/analyst"}  # the trace page (its data calls need a key) and the guide
LOT = "urn:epc:class:lgtin:4012345.012345.AUTH1"
_ids = itertools.count(1)


def _event(n: int | None = None, lot: str = LOT) -> dict[str, Any]:
    n = next(_ids) if n is None else n
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:30000000-0000-4000-8000-{n:012d}",
        "eventTime": "2024-06-01T10:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "ADD",
        "bizStep": "commissioning",
        "quantityList": [{"epcClass": lot, "quantity": 5, "uom": "KGM"}],
        "bizLocation": {"id": "urn:epc:id:sgln:4012345.00001.0"},
    }


def _document(*events: dict[str, Any]) -> bytes:
    return orjson.dumps(
        {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
         "type": "EPCISDocument", "schemaVersion": "2.0",
         "creationDate": "2024-06-01T00:00:00Z", "epcisBody": {"eventList": list(events)}}
    )  # fmt: skip


JSONLD = {"Content-Type": "application/ld+json"}


async def _capture(http: httpx.AsyncClient, *events: dict[str, Any]) -> str:
    response = await http.post("/epcis/capture", content=_document(*events), headers=JSONLD)
    assert response.status_code == 202, response.text
    return response.headers["Location"]


def _routes(app: FastAPI) -> set[tuple[str, str]]:
    spec = app.openapi()
    return {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method in operations
        if path not in PUBLIC
    }


# -- one valid request per route: (needed scope, build the request with an admin client) ------

Request = tuple[str, str, dict[str, Any]]
Builder = Callable[[httpx.AsyncClient], Awaitable[Request]]


async def _trace_ift(admin: httpx.AsyncClient) -> Request:
    await _capture(admin, _event())
    return "GET", "/ift/api/outbound/v1/traces", {"params": {"productId": LOT}}


async def _trace_v1(admin: httpx.AsyncClient) -> Request:
    await _capture(admin, _event())
    return "GET", "/api/v1/traces", {"params": {"productId": LOT}}


async def _capture_post(_: httpx.AsyncClient) -> Request:
    return "POST", "/epcis/capture", {"content": _document(_event()), "headers": JSONLD}


async def _capture_options(_: httpx.AsyncClient) -> Request:
    return "OPTIONS", "/epcis/capture", {}


async def _capture_job(admin: httpx.AsyncClient) -> Request:
    return "GET", await _capture(admin, _event()), {}


async def _event_post(_: httpx.AsyncClient) -> Request:
    return "POST", "/epcis/events", {"content": orjson.dumps(_event()), "headers": JSONLD}


async def _event_get(admin: httpx.AsyncClient) -> Request:
    event = _event()
    await _capture(admin, event)
    return "GET", f"/epcis/events/{quote(event['eventID'], safe='')}", {}


async def _facility_put(_: httpx.AsyncClient) -> Request:
    return "PUT", "/api/v1/facilities/urn:epc:id:sgln:4012345.00001.0", {"json": {"name": "F"}}


async def _product_put(_: httpx.AsyncClient) -> Request:
    return "PUT", "/api/v1/products/urn:epc:idpat:sgtin:4012345.012345.*", {"json": {"name": "P"}}


async def _payload_post(admin: httpx.AsyncClient) -> Request:
    await _capture(admin, _event())
    body = {"time": "2024-06-01T00:00:00Z", "content": "{}", "contentType": "application/json",
            "typeUri": "urn:test", "attachedTo": {"productInstances": [LOT]}}  # fmt: skip
    return "POST", "/api/v1/payloads", {"json": body}


async def _keys_post(_: httpx.AsyncClient) -> Request:
    return "POST", "/api/keys", {"json": {"name": "another", "scopes": ["read"]}}


async def _keys_get(_: httpx.AsyncClient) -> Request:
    return "GET", "/api/keys", {}


async def _keys_delete(admin: httpx.AsyncClient) -> Request:
    created = (await admin.post("/api/keys", json={"name": "to revoke"})).json()
    return "DELETE", "/api/keys", {"params": {"id": created["key"]["id"]}}


async def _sharing_post(_: httpx.AsyncClient) -> Request:
    return "POST", "/api/v1/sharing", {"json": {"org": "partner"}}


async def _sharing_get(_: httpx.AsyncClient) -> Request:
    return "GET", "/api/v1/sharing", {}


async def _sharing_delete(admin: httpx.AsyncClient) -> Request:
    await admin.post("/api/v1/sharing", json={"org": "partner"})
    return "DELETE", "/api/v1/sharing", {"params": {"org": "partner"}}


async def _sharing_accept(admin: httpx.AsyncClient) -> Request:
    # the partner offers a share to the admin's org (through the app's own key service)
    transport = admin._transport
    assert isinstance(transport, httpx.ASGITransport)
    app: Any = transport.app
    app.state.key_service.share("partner", app.state.settings.default_org)
    return "POST", "/api/v1/sharing/accept", {"json": {"org": "partner"}}


MATRIX: dict[tuple[str, str], tuple[str, Builder]] = {
    ("GET", "/ift/api/outbound/v1/traces"): ("read", _trace_ift),
    ("GET", "/api/v1/traces"): ("read", _trace_v1),
    ("POST", "/epcis/capture"): ("write", _capture_post),
    ("OPTIONS", "/epcis/capture"): ("read", _capture_options),
    ("GET", "/epcis/capture/{capture_id}"): ("read", _capture_job),
    ("POST", "/epcis/events"): ("write", _event_post),
    ("GET", "/epcis/events/{event_id}"): ("read", _event_get),
    ("PUT", "/api/v1/facilities/{facility_id}"): ("write", _facility_put),
    ("PUT", "/api/v1/products/{product_id}"): ("write", _product_put),
    ("POST", "/api/v1/payloads"): ("write", _payload_post),
    ("POST", "/api/keys"): ("admin", _keys_post),
    ("GET", "/api/keys"): ("admin", _keys_get),
    ("DELETE", "/api/keys"): ("admin", _keys_delete),
    ("POST", "/api/v1/sharing"): ("admin", _sharing_post),
    ("GET", "/api/v1/sharing"): ("admin", _sharing_get),
    ("DELETE", "/api/v1/sharing"): ("admin", _sharing_delete),
    ("POST", "/api/v1/sharing/accept"): ("admin", _sharing_accept),
}
# the records, journeys and enterprise families keep their one-valid-request-per-route tables beside
# their own tests
MATRIX |= (
    JOURNEYS_MATRIX
    | RECORDS_MATRIX
    | ENTERPRISE_MATRIX
    | EPCIS_QUERY_MATRIX
    | INVESTIGATOR_MATRIX
    | NAMED_QUERIES_MATRIX
    | WATCHES_MATRIX
)
KEY_SCOPES = {"read": ["read"], "write": ["write"], "admin": ["admin"]}
# each scope by name (a write-only key cannot read); admin includes both
ALLOWED = {"read": {"read"}, "write": {"write"}, "admin": {"read", "write", "admin"}}


def test_the_matrix_covers_every_route(app: FastAPI) -> None:
    assert set(MATRIX) == _routes(app)


async def test_every_route_needs_a_valid_key(
    app: FastAPI, make_client: MakeClient, client: httpx.AsyncClient
) -> None:
    revoked = (await client.post("/api/keys", json={"name": "soon revoked"})).json()
    assert (
        await client.delete("/api/keys", params={"id": revoked["key"]["id"]})
    ).status_code == 200
    callers = {
        "no key": make_client(anonymous=True),
        "unknown key": make_client(secret="0" * 64),
        "malformed key": make_client(secret="not-a-key"),
        "revoked key": make_client(secret=revoked["secret"]),
    }
    checked = 0
    routes = _routes(app)
    for method, path in sorted(routes):
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        for who, http in callers.items():
            response = await http.request(method, concrete, json={})
            assert response.status_code == 401, (who, method, path, response.text)
            if path.startswith("/epcis"):  # problem+json, as the EPCIS bindings say
                assert response.json()["detail"] == "Invalid or expired API key"
                assert response.json()["type"] == "epcisException:SecurityException"
            else:
                assert response.json() == {"error": "Invalid or expired API key"}
            checked += 1
    assert checked == 4 * len(routes) and len(routes) >= len(MATRIX)


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
async def test_scope_matrix(
    make_client: MakeClient, client: httpx.AsyncClient, route: tuple[str, str]
) -> None:
    needed, build = MATRIX[route]
    for key_scope, scopes in KEY_SCOPES.items():
        http = make_client(scopes=scopes)
        method, path, options = await build(client)
        response = await http.request(method, path, **options)
        if needed in ALLOWED[key_scope]:
            assert 200 <= response.status_code < 300, (key_scope, response.text)
        else:
            assert response.status_code == 403, (key_scope, response.text)
            body = response.json()
            assert needed in (body["detail"] if path.startswith("/epcis") else body["error"])


async def test_rate_limit_counts_down_then_429(make_client: MakeClient) -> None:
    http = make_client(scopes=["read"], rate_limit_per_hour=5)
    remaining = []
    for _ in range(5):
        response = await http.get("/api/v1/traces", params={"productId": LOT})
        assert response.status_code == 404  # authenticated, counted, nothing there
        assert response.headers["X-RateLimit-Limit"] == "5"
        remaining.append(int(response.headers["X-RateLimit-Remaining"]))
        reset = int(response.headers["X-RateLimit-Reset"])
    assert remaining == [4, 3, 2, 1, 0]
    sixth = await http.get("/api/v1/traces", params={"productId": LOT})
    assert sixth.status_code == 429
    body = sixth.json()
    assert body["error"] == "Rate limit exceeded"
    assert 0 < body["retry_after"] <= 3600
    assert sixth.headers["Retry-After"] == str(body["retry_after"])
    assert int(sixth.headers["X-RateLimit-Reset"]) == reset
    # another key of the same org has its own budget
    assert (await make_client(scopes=["read"]).get("/api/keys")).status_code == 403


async def test_keys_are_listed_without_secrets_and_revoked_at_once(
    client: httpx.AsyncClient, make_client: MakeClient
) -> None:
    created = await client.post(
        "/api/keys", json={"name": "integration", "scopes": ["read", "write"],
                           "expires_in_days": 30, "rate_limit_per_hour": 2000}
    )  # fmt: skip
    assert created.status_code == 201
    body = created.json()
    secret = body["secret"]
    assert len(secret) == 64 and body["key"]["key_prefix"] == secret[:8]
    assert body["message"] == "Store this key securely. It will not be shown again."
    assert body["key"]["scopes"] == ["read", "write"] and body["key"]["status"] == "active"
    assert body["key"]["rate_limit_per_hour"] == 2000 and body["key"]["expires_at"]
    listed = (await client.get("/api/keys")).json()["keys"]
    assert body["key"]["id"] in {k["id"] for k in listed}
    text = orjson.dumps(listed).decode()
    assert secret not in text and hash_secret(secret) not in text and "key_hash" not in text

    user = make_client(secret=secret)
    assert (await user.options("/epcis/capture")).status_code == 204
    revoked = await client.delete("/api/keys", params={"id": body["key"]["id"]})
    assert revoked.json() == {"success": True, "message": "API key revoked"}
    assert (await user.options("/epcis/capture")).status_code == 401
    statuses = {k["id"]: k["status"] for k in (await client.get("/api/keys")).json()["keys"]}
    assert statuses[body["key"]["id"]] == "revoked"


async def test_an_expired_key_stops_working(
    make_client: MakeClient, new_key: Callable[..., str], driver: Any, settings: Settings
) -> None:
    secret = new_key(scopes=["read"], expires_in_days=1)
    http = make_client(secret=secret)
    assert (await http.options("/epcis/capture")).status_code == 204
    driver.execute_query(
        "MATCH (k:ApiKey {keyPrefix: $p}) SET k.expiresAt = '2000-01-01T00:00:00.000Z'",
        p=secret[:8],
        database_=settings.neo4j_database,
    )
    # a fresh app: nothing trusted in memory
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t", headers={"Authorization": f"Bearer {secret}"}
        ) as fresh:
            assert (await fresh.options("/epcis/capture")).status_code == 401


async def test_orgs_are_isolated_until_they_share(make_client: MakeClient) -> None:
    a, b = make_client(org="org-a"), make_client(org="org-b")
    event = _event(lot="urn:epc:class:lgtin:4012345.012345.ISO1")
    job = await _capture(a, event)
    event_path = f"/epcis/events/{quote(event['eventID'], safe='')}"
    lot = {"productId": "urn:epc:class:lgtin:4012345.012345.ISO1"}

    # B cannot read A's event, capture job, keys or trace
    assert (await b.get(event_path)).status_code == 404
    assert (await b.get(job)).status_code == 404
    a_keys = {k["id"] for k in (await a.get("/api/keys")).json()["keys"]}
    b_keys = {k["id"] for k in (await b.get("/api/keys")).json()["keys"]}
    assert a_keys and b_keys and not a_keys & b_keys
    assert (await b.delete("/api/keys", params={"id": next(iter(a_keys))})).status_code == 404
    assert (await b.get("/api/v1/traces", params=lot)).status_code == 404
    # nor change it: attaching a payload to A's event is refused
    payload = {"time": "2024-06-01T00:00:00Z", "content": "x", "contentType": "text/plain",
               "typeUri": "urn:t", "attachedTo": {"events": [event["eventID"]]}}  # fmt: skip
    assert (await b.post("/api/v1/payloads", json=payload)).status_code == 404
    # A offers to share with B: nothing changes until B accepts
    assert (await a.post("/api/v1/sharing", json={"org": "org-b"})).status_code == 201
    assert (await b.get("/api/v1/traces", params=lot)).status_code == 404
    # B accepts: B's trace (even a cached 404 is not kept) includes A's event
    assert (await b.post("/api/v1/sharing/accept", json={"org": "org-a"})).status_code == 200
    shared = await b.get("/api/v1/traces", params=lot)
    assert shared.status_code == 200
    assert event["eventID"] in shared.json()[lot["productId"]]["events"]
    assert (await b.get("/api/v1/traces", params=lot)).headers["X-ApiCache"] == "HIT"
    assert (await b.get(event_path)).status_code == 200
    listed = (await b.get("/api/v1/sharing")).json()["sharing"]
    assert [(s["from"], s["to"], s["direction"], s["status"]) for s in listed] == [
        ("org-a", "org-b", "incoming", "accepted")
    ]
    # B cannot revoke A's share; A can, and B's cached trace goes with it
    assert (await b.delete("/api/v1/sharing", params={"org": "org-a"})).status_code == 404
    assert (await a.delete("/api/v1/sharing", params={"org": "org-b"})).status_code == 200
    assert (await b.get("/api/v1/traces", params=lot)).status_code == 404
    assert (await b.get(event_path)).status_code == 404


async def test_no_secret_or_hash_in_any_response_or_log(
    client: httpx.AsyncClient, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="trace_engine")
    caplog.set_level(logging.INFO)
    responses = []
    created = await client.post("/api/keys", json={"name": "watch me", "scopes": ["read"]})
    secret = created.json()["secret"]
    user = make_client(secret=secret)
    responses.append(await user.get("/api/keys"))  # 403
    responses.append(await user.get("/api/v1/traces", params={"productId": "urn:epc:id:sgtin:x"}))
    responses.append(await client.get("/api/keys"))
    await client.delete("/api/keys", params={"id": created.json()["key"]["id"]})
    responses.append(await user.get("/api/v1/traces", params={"productId": LOT}))  # 401
    responses.append(await make_client(secret=secret[:8] + "f" * 56).get("/api/keys"))
    digest = hash_secret(secret)
    for response in responses:
        text = response.text + str(dict(response.headers))
        assert secret not in text and digest not in text and secret[8:] not in text
    logged = "\n".join(r.getMessage() + str(r.args) + str(r.exc_info) for r in caplog.records)
    assert secret not in logged and digest not in logged


async def test_the_database_going_away_is_a_503_naming_it(
    settings: Settings, new_key: Callable[..., str]
) -> None:
    secret = new_key(scopes=["read"])
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        # the key is trusted now; then the database goes away under the app
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t", headers={"Authorization": f"Bearer {secret}"}
        ) as http:
            assert (await http.options("/epcis/capture")).status_code == 204
            app.state.driver.close()
            app.state.driver = make_driver(
                settings.model_copy(update={"neo4j_uri": "bolt://127.0.0.1:1"})
            )
            response = await http.get("/api/v1/traces", params={"productId": LOT})
    assert response.status_code == 503
    assert response.json() == {"error": DATABASE_UNAVAILABLE}
    assert int(response.headers["Retry-After"]) > 0


async def test_an_unhandled_error_is_a_bare_500_with_a_request_id(
    settings: Settings, new_key: Callable[..., str], caplog: pytest.LogCaptureFixture
) -> None:
    secret = new_key(scopes=["read"])
    app = create_app(settings)

    async def broken() -> None:
        raise RuntimeError("a bug, with a secret detail")

    app.add_api_route("/api/v1/broken", broken)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t", headers={"Authorization": f"Bearer {secret}"}
        ) as http:
            response = await http.get("/api/v1/broken")
    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "Internal server error"
    assert set(body) == {"error", "request_id"}
    assert response.headers["X-Request-ID"] == body["request_id"]
    assert "Traceback" not in response.text and "secret detail" not in response.text
    assert any(body["request_id"] in r.getMessage() for r in caplog.records)

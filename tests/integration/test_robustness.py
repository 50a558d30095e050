"""Robustness of the HTTP layer: our error bodies everywhere, `Allow` on 405 naming every
method of the path, the OpenAPI conventions, and an unhandled error that leaves the
keep-alive connection usable."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from servers import free_port

from api.auth import PUBLIC_PATHS
from api.main import create_app
from trace_engine.config import Settings


async def test_405_lists_every_method_of_the_path(client: httpx.AsyncClient) -> None:
    for path, methods in [
        ("/api/v1/traceability", {"GET", "POST"}),
        ("/api/v1/traceability/some-id", {"GET", "PATCH", "DELETE"}),
        ("/api/keys", {"GET", "POST", "DELETE"}),
        ("/api/v1/product/traceability/stages/x", {"PATCH", "DELETE"}),
    ]:
        response = await client.request("OPTIONS", path)
        assert response.status_code == 405
        assert methods <= {m.strip() for m in response.headers["Allow"].split(",")}, path
        assert "OPTIONS" in response.json()["error"]


async def test_no_fastapi_detail_bodies(client: httpx.AsyncClient) -> None:
    for path in ["/no/such/route", "/api/v1/traceability/a%0Ab/c"]:
        response = await client.get(path)
        assert response.status_code == 404
        assert set(response.json()) == {"error"}, response.text
    malformed = await client.post(
        "/api/keys", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400 and "error" in malformed.json()
    epcis = await client.get("/epcis/no/such/route")
    assert epcis.status_code == 404
    assert epcis.headers["content-type"] == "application/problem+json"


async def test_epcis_auth_errors_are_problem_json(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    anonymous = make_client(anonymous=True)
    response = await anonymous.get("/epcis/capture/x")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "epcisException:SecurityException"
    reader = make_client(scopes=["read"])
    forbidden = await reader.post("/epcis/capture", content=b"{}")
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"] == "application/problem+json"


async def test_the_openapi_document_declares_auth_errors_and_the_capture_body(
    client: httpx.AsyncClient,
) -> None:
    doc = (await client.get("/openapi.json")).json()
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if path in PUBLIC_PATHS:
                assert "security" not in operation
                continue
            assert operation["security"] == [{"bearerAuth": []}], (method, path)
            assert {"401", "403", "429", "500", "503"} <= set(operation["responses"]), path
            media = "application/problem+json" if path.startswith("/epcis") else "application/json"
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == [media], (method, path, status)
    capture = doc["paths"]["/epcis/capture"]["post"]
    assert {"application/ld+json", "application/xml"} <= set(capture["requestBody"]["content"])
    assert {"400", "413", "415"} <= set(capture["responses"]) and "422" not in capture["responses"]
    assert "404" in doc["paths"]["/api/v1/traceability/{id}"]["get"]["responses"]
    assert "404" in doc["paths"]["/api/keys"]["delete"]["responses"]
    # PATCH refuses null for these: the document does not offer it
    patch = doc["components"]["schemas"]["JourneyUpdate"]["properties"]["traceabilityName"]
    assert patch.get("type") == "string" and "anyOf" not in patch


@pytest.fixture
def live_app(settings: Settings) -> Iterator[tuple[FastAPI, str]]:
    """The real app with one extra route that fails, served by uvicorn on a free port."""
    app = create_app(settings)

    async def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/v1/boom", boom)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive()
        time.sleep(0.05)
    yield app, f"127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def _exchange(sock: socket.socket, request: bytes) -> bytes:
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        body += chunk
    return head + b"\r\n\r\n" + body


def test_an_unhandled_error_is_the_documented_500_and_keeps_the_connection(
    live_app: tuple[FastAPI, str], new_key: Callable[..., str]
) -> None:
    _, address = live_app
    secret = new_key()
    host, port = address.split(":")
    request = f"GET {{}} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {secret}\r\n\r\n"
    with socket.create_connection((host, int(port))) as sock:
        first = _exchange(sock, request.format("/api/v1/boom").encode())
        assert first.startswith(b"HTTP/1.1 500")
        assert b'"request_id"' in first and b"x-request-id:" in first.lower()
        assert b"connection: close" not in first.lower()
        second = _exchange(sock, request.format("/api/v1/traceability").encode())
        assert second.startswith(b"HTTP/1.1 200"), second[:200]


async def test_failed_key_lookups_are_throttled_per_address(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"auth_failures_per_minute": 5}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:

            async def call(secret: str) -> httpx.Response:
                return await http.get(
                    "/api/v1/traceability", headers={"Authorization": f"Bearer {secret}"}
                )

            same = "f" * 64
            for _ in range(10):  # one unknown prefix: looked up once, then remembered
                assert (await call(same)).status_code == 401
            for n in range(4):  # four more distinct guesses: five lookups in all
                assert (await call(f"{n:08x}" + "0" * 56)).status_code == 401
            throttled = await call("a" * 64)
            assert throttled.status_code == 429
            assert int(throttled.headers["Retry-After"]) >= 1
            assert "failed authentications" in throttled.json()["error"]

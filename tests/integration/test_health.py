"""GET /health against the real server, and against a server that is not there."""

from __future__ import annotations

import httpx

from api.main import create_app
from trace_engine.config import Settings


async def test_health_reports_version_and_schema(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["neo4j"]["version"].startswith("5.26")
    assert body["neo4j"]["schemaApplied"] is True


async def test_health_is_503_with_reason_when_neo4j_is_down(settings: Settings) -> None:
    down = settings.model_copy(update={"neo4j_uri": "bolt://127.0.0.1:1"})
    app = create_app(down)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            response = await http.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["neo4j"]["reachable"] is False
    assert body["neo4j"]["reason"]


async def test_openapi_docs_are_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/docs")).status_code == 200
    spec = (await client.get("/openapi.json")).json()
    assert "/health" in spec["paths"]

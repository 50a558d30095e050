"""GET /health: is Neo4j reachable, which version, is the schema applied."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from neo4j import Driver, Record
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from api.dependencies import DriverDep, SettingsDep
from trace_engine.graph.catalog import Query, query
from trace_engine.graph.schema import schema_applied
from trace_engine.kit.shared_state import SharedState

router = APIRouter(tags=["health"])


def _server(driver: Driver, database: str) -> tuple[list[Record], bool]:
    # fails at once when the server is down (execute_query would retry for 30 s)
    driver.verify_connectivity()
    records, _, _ = driver.execute_query(
        query(Query.SERVER_VERSION), database_=database, routing_="r"
    )
    return records, schema_applied(driver, database)


@router.get("/health", summary="Service health")
async def health(request: Request, driver: DriverDep, settings: SettingsDep) -> JSONResponse:
    """200 with the Neo4j version when the database answers; 503 with the reason otherwise.
    With TRACE_REDIS_URL, `redis` says whether Redis answers: down, the API keeps answering
    (caches off, per-process rate limits) and the status is `degraded`, still 200."""
    redis = await _redis_health(request)
    try:
        records, applied = await run_in_threadpool(_server, driver, settings.neo4j_database)
    except (ServiceUnavailable, Neo4jError, OSError) as exc:
        return JSONResponse(
            {"status": "unavailable", "neo4j": {"reachable": False, "reason": str(exc)}} | redis,
            status_code=503,
        )
    server = records[0]
    body = {
        "status": "ok" if applied else "degraded",
        "neo4j": {
            "reachable": True,
            "version": server["version"],
            "edition": server["edition"],
            "database": settings.neo4j_database,
            "schemaApplied": applied,
        },
    }
    if redis and not redis["redis"]["reachable"] and body["status"] == "ok":
        body["status"] = "degraded"
    return JSONResponse(body | redis, status_code=200 if applied else 503)


async def _redis_health(request: Request) -> dict[str, Any]:
    shared: SharedState | None = getattr(request.app.state, "shared_state", None)
    if shared is None:
        return {}
    reachable, reason = await run_in_threadpool(shared.ping)
    if reachable:
        await run_in_threadpool(shared.fresh, True)  # back: shared behaviour resumes at once
    state: dict[str, Any] = {"reachable": reachable}
    if reason:
        state["reason"] = reason
    return {"redis": state}

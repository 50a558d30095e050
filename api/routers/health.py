"""GET /health: is Neo4j reachable, which version, is the schema applied."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from api.dependencies import DriverDep, SettingsDep
from trace_engine.graph.catalog import Query, query
from trace_engine.graph.schema import schema_applied_async

router = APIRouter(tags=["health"])


@router.get("/health", summary="Service health")
async def health(driver: DriverDep, settings: SettingsDep) -> JSONResponse:
    """200 with the Neo4j version when the database answers; 503 with the reason otherwise."""
    try:
        # fails at once when the server is down (execute_query would retry for 30 s)
        await driver.verify_connectivity()
        records, _, _ = await driver.execute_query(
            query(Query.SERVER_VERSION), database_=settings.neo4j_database, routing_="r"
        )
        applied = await schema_applied_async(driver, settings.neo4j_database)
    except (ServiceUnavailable, Neo4jError, OSError) as exc:
        return JSONResponse(
            {"status": "unavailable", "neo4j": {"reachable": False, "reason": str(exc)}},
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
    return JSONResponse(body, status_code=200 if applied else 503)

"""Integration tests run against the real server; each starts from an empty graph."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from neo4j import Driver

from api.main import create_app
from trace_engine.config import Settings
from trace_engine.graph.catalog import query
from trace_engine.graph.driver import make_driver
from trace_engine.graph.schema import apply_schema


@pytest.fixture(scope="session")
def driver(settings: Settings) -> Iterator[Driver]:
    with make_driver(settings) as drv:
        apply_schema(drv, settings.neo4j_database)
        yield drv


@pytest.fixture(autouse=True)
def empty_graph(driver: Driver, settings: Settings) -> None:
    """Wipe the graph before each test (the schema stays)."""
    with driver.session(database=settings.neo4j_database) as session:
        session.run(query("wipe")).consume()


@pytest.fixture
def counts(driver: Driver, settings: Settings):  # type: ignore[no-untyped-def]
    """A function returning (nodes, relationships) now."""

    def _counts() -> tuple[int, int]:
        records, _, _ = driver.execute_query(query("counts"), database_=settings.neo4j_database)
        return records[0]["nodes"], records[0]["relationships"]

    return _counts


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the real app (lifespan run, real driver), no network."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http

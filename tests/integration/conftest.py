"""Integration tests run against the real server; each starts from an empty graph."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from neo4j import Driver

from api.main import create_app
from trace_engine.config import Settings
from trace_engine.graph.catalog import Query, query
from trace_engine.graph.driver import make_driver
from trace_engine.graph.maintenance import wipe
from trace_engine.graph.schema import apply_schema
from trace_engine.keys import KeyCreate, KeyService


@pytest.fixture(scope="session")
def driver(settings: Settings) -> Iterator[Driver]:
    with make_driver(settings) as drv:
        apply_schema(drv, settings.neo4j_database)
        yield drv


@pytest.fixture(autouse=True)
def empty_graph(driver: Driver, settings: Settings) -> None:
    """Wipe the graph before each test (the schema stays)."""
    wipe(driver, settings.neo4j_database)


@pytest.fixture
def counts(driver: Driver, settings: Settings):  # type: ignore[no-untyped-def]
    """A function returning (nodes, relationships) now."""

    def _counts() -> tuple[int, int]:
        records, _, _ = driver.execute_query(query(Query.COUNTS), database_=settings.neo4j_database)
        return records[0]["nodes"], records[0]["relationships"]

    return _counts


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The real app, its lifespan run (real drivers, schema applied)."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def new_key(driver: Driver, settings: Settings) -> Callable[..., str]:
    """Create an API key directly through the key service; returns its secret."""
    service = KeyService(driver, settings.neo4j_database)

    def make(org: str | None = None, scopes: Sequence[str] = ("admin",), **options: Any) -> str:
        request = KeyCreate(name=f"test key of {org}", scopes=list(scopes), **options)
        _, secret = service.create_key(org or settings.default_org, request)
        return secret

    return make


@pytest.fixture
async def make_client(
    app: FastAPI, new_key: Callable[..., str]
) -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    """HTTP clients on the real app (no network), each with its own key: org and scopes as
    asked (admin of the default org unless told), or the given `secret`, or none."""
    clients: list[httpx.AsyncClient] = []

    def make(
        org: str | None = None,
        scopes: Sequence[str] = ("admin",),
        secret: str | None = None,
        anonymous: bool = False,
        **options: Any,
    ) -> httpx.AsyncClient:
        headers = {}
        if not anonymous:
            headers["Authorization"] = f"Bearer {secret or new_key(org, scopes, **options)}"
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        http = httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers)
        clients.append(http)
        return http

    yield make
    for http in clients:
        await http.aclose()


@pytest.fixture
def client(make_client: Callable[..., httpx.AsyncClient]) -> httpx.AsyncClient:
    """A client with an admin key of the default org."""
    return make_client()

"""Named queries: create (validated like `GET /epcis/events`), list, get, delete, per org."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from neo4j import Driver

from trace_engine.epcis_query.schemas import EventQuery
from trace_engine.errors import Conflict, NotFound
from trace_engine.graph.access import read_tx, write_tx
from trace_engine.kit.timestamps import now_utc
from trace_engine.named_queries import repository
from trace_engine.named_queries.query_object import pairs_of, validate
from trace_engine.named_queries.schemas import NamedQueryCreate, NamedQueryPublic


@dataclass(frozen=True, slots=True)
class StoredQuery:
    """A named query as stored, with its URL pairs and its parsed form."""

    public: NamedQueryPublic
    pairs: list[tuple[str, str]]
    parsed: EventQuery


def _public(node: dict[str, Any]) -> NamedQueryPublic:
    return NamedQueryPublic(
        name=node["name"], query=orjson.loads(node["query"]), createdAt=node["createdAt"]
    )


class NamedQueryService:
    """Named queries of one database; every call names the caller's org."""

    def __init__(self, driver: Driver, database: str) -> None:
        self._driver = driver
        self._database = database

    def create(self, org: str, body: NamedQueryCreate) -> NamedQueryPublic:
        """Validate and store; Conflict when the org already has a query of that name."""
        validate(body.query)
        props = {
            "org": org,
            "name": body.name,
            "query": orjson.dumps(body.query).decode(),
            "createdAt": now_utc(),
        }
        with self._driver.session(database=self._database) as session:
            created = write_tx(session, repository.create, props)
        if not created:
            raise Conflict(f"a query named {body.name!r} already exists in your org")
        return _public(props)

    def get(self, org: str, name: str) -> StoredQuery:
        """The org's query of that name (NotFound for another org's or none)."""
        with self._driver.session(database=self._database) as session:
            node = read_tx(session, repository.get, org, name)
        if node is None:
            raise NotFound("query", name)
        public = _public(node)
        return StoredQuery(public, pairs_of(public.query), validate(public.query))

    def list_page(self, org: str, after: str | None, limit: int) -> list[NamedQueryPublic]:
        """The org's queries by name after `after`."""
        with self._driver.session(database=self._database) as session:
            nodes = read_tx(session, repository.list_page, org, after, limit)
        return [_public(n) for n in nodes]

    def delete(self, org: str, name: str) -> None:
        """Delete the org's query; NotFound when it has none by that name."""
        with self._driver.session(database=self._database) as session:
            deleted = write_tx(session, repository.delete, org, name)
        if not deleted:
            raise NotFound("query", name)

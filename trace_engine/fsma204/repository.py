"""The FSMA 204 / recall repository: the only code of these reports that runs Cypher."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from neo4j import Driver, ManagedTransaction

from trace_engine.fsma204.cte import CTE_BIZSTEPS
from trace_engine.graph.access import read_tx
from trace_engine.graph.catalog import Query, query
from trace_engine.visibility import merge_statements, precedence

PAGE = 1000  # events (or keys) per round trip


def _chunks(keys: list[str], size: int = PAGE) -> Iterator[list[str]]:
    for i in range(0, len(keys), size):
        yield keys[i : i + size]


class Fsma204Repository:
    """Reads for the FSMA 204 spreadsheet, the completeness and the recall impact reports;
    each call is one managed read transaction, so a long report holds no transaction open."""

    def __init__(self, driver: Driver, database: str) -> None:
        self.driver = driver
        self.database = database

    def _read(self, name: Query, **params: Any) -> list[dict[str, Any]]:
        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(query(name), **params)]

        with self.driver.session(database=self.database) as session:
            return read_tx(session, work)

    def lineage(self, product_id: str) -> dict[str, Any] | None:
        """The root's canonical key and the unrestricted lineage edges, or None."""
        rows = self._read(Query.FSMA204_LINEAGE, productId=product_id)
        return rows[0] if rows else None

    def product_scope(self, product: str) -> dict[str, Any] | None:
        """A product class's lots and the containment edges above them, or None."""
        rows = self._read(Query.FSMA204_PRODUCT_SCOPE, product=product)
        return rows[0] if rows else None

    def event_keys(
        self,
        members: list[str],
        orgs: frozenset[str],
        since: str | None,
        until: str | None,
        cte_only: bool = True,
    ) -> list[dict[str, Any]]:
        """(eventID, eventTime, offset, owner) of the visible events touching `members`, one per
        (eventID, owner) (with
        `cte_only`, only those whose type and bizStep may make them a CTE)."""
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        for chunk in _chunks(members, 5000):
            for row in self._read(
                Query.FSMA204_EVENT_KEYS,
                members=chunk,
                orgs=list(orgs),
                since=since,
                until=until,
                cteOnly=cte_only,
                steps=list(CTE_BIZSTEPS),
            ):
                seen.setdefault((row["eventID"], row["owner"]), row)
        return list(seen.values())

    def places(self, members: list[str], orgs: frozenset[str]) -> list[dict[str, Any]]:
        """Per facility of the visible events on `members`: events, first and last time, owners
        (all events, not only CTEs; aggregated in the graph)."""
        return self._read(Query.RECALLS_PLACES, members=members, orgs=list(orgs))

    def events(self, keys: list[tuple[str, str]], orgs: frozenset[str]) -> list[dict[str, Any]]:
        """One page of events by (eventID, owner): eventID, owner and the raw JSON-LD text."""
        pairs = [{"eventID": event_id, "owner": owner} for event_id, owner in keys]
        return self._read(Query.FSMA204_EVENTS, keys=pairs, orgs=list(orgs))

    def lots(self, keys: list[str], orgs: frozenset[str]) -> list[dict[str, Any]]:
        """Per lot key: product class, lot dates, the eventID of its creating event
        (`createdBy`) and that event as captured (`created`, one parse per event)."""
        out: list[dict[str, Any]] = []
        for chunk in _chunks(keys):
            for row in self._read(Query.FSMA204_LOTS, keys=chunk, orgs=list(orgs)):
                raws = {c["eventID"]: c["raw"] for c in row["creators"]}
                out += [{**lot, "created": raws.get(lot["createdBy"])} for lot in row["lots"]]
        return out

    def contents(self, keys: list[str], orgs: frozenset[str]) -> list[dict[str, Any]]:
        """What was packed into each logistic unit of `keys` (visible ADD aggregations)."""
        out: list[dict[str, Any]] = []
        for chunk in _chunks(keys):
            out += self._read(Query.FSMA204_CONTENTS, keys=chunk, orgs=list(orgs))
        return out

    def masterdata(
        self, facilities: list[str], products: list[str], orgs: frozenset[str]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Master data of the named facilities/parties and products as `orgs` state it: each
        field from the first of them (by name) that states it (`trace_engine.visibility`)."""
        rows = self._read(
            Query.FSMA204_MASTERDATA, facilities=facilities, products=products, orgs=list(orgs)
        )
        order = precedence(None, orgs)

        def merged(node: dict[str, Any]) -> dict[str, Any]:
            fields = {k for s in node["statements"] for k in s} - {"id", "org"}
            said = merge_statements(node["statements"], order, sorted(fields))
            return {**said, "id": node["id"], "displayId": node["displayId"]}

        return [merged(f) for f in rows[0]["facilities"]], [merged(p) for p in rows[0]["products"]]

"""Traceability records: a per-batch audit trail of one org, linked into the graph.

A record names a product (`productId`) and a batch (`batchNumber`) in whatever form the client
uses. Where those parse as identifiers (any form `trace_engine.identifiers` reads, or a bare
GTIN), the record is linked by canonical key: to the Product, and to the ProductInstance of the
lot (`01/{gtin14}/10/{lot}`), merged if absent so a later capture of that lot lands on the same
node. A supplier or processing facility given as a GLN / SGLN / Food Trust location is linked
the same way; any other URI is linked only to a node that exists; plain strings are stored only.

Records are strictly per org: another org's record is "not found" everywhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from neo4j import Driver, ManagedTransaction
from pydantic.alias_generators import to_camel

from trace_engine.errors import NotFound
from trace_engine.graph.access import read_tx, write_tx
from trace_engine.kit.metadata import METADATA_REPLACED
from trace_engine.kit.timestamps import now_utc
from trace_engine.records import repository as repo
from trace_engine.records.links import links_of, product_key
from trace_engine.records.schemas import (
    LINK_FIELDS,
    RecordPage,
    TraceabilityRecordCreate,
    TraceabilityRecordPublic,
    TraceabilityRecordUpdate,
    public_record,
    stored_value,
)


class RecordService:
    """Records of the caller's org; every write is one managed transaction."""

    kind: ClassVar[str] = "traceability record"

    def __init__(
        self,
        driver: Driver,
        database: str,
        on_change: Callable[[Iterable[str]], object] | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        # told the product instances whose traces show a changed record (the trace cache)
        self.on_change = on_change

    def _changed(self, instances: Iterable[str]) -> None:
        if self.on_change is not None:
            self.on_change(list(instances))

    def create(
        self, org: str, body: TraceabilityRecordCreate, user_id: str | None = None
    ) -> TraceabilityRecordPublic:
        """Store a new record of `org` and link it into the graph."""
        now = now_utc()
        props: dict[str, Any] = {
            to_camel(name): stored_value(name, getattr(body, name))
            for name in TraceabilityRecordCreate.model_fields
        }
        if props["userId"] is None and user_id is not None:
            props["userId"] = user_id
        props |= {
            "id": str(uuid.uuid4()),
            "org": org,
            "productKey": product_key(body.product_id),
            "createdAt": now,
            "updatedAt": now,
        }
        props = {k: v for k, v in props.items() if v is not None}
        with self.driver.session(database=self.database) as session:
            stored, instances = write_tx(session, repo.create, props, links_of(props))
        self._changed(instances)
        return public_record(stored)

    def get(self, org: str, record_id: str) -> TraceabilityRecordPublic:
        """The record, if it is `org`'s (NotFound otherwise, whether or not it exists)."""
        with self.driver.session(database=self.database) as session:
            stored = read_tx(session, repo.get, record_id, org)
        if stored is None:
            raise NotFound(self.kind, record_id)
        return public_record(stored)

    def find(
        self,
        org: str,
        page: int = 0,
        size: int = 20,
        product_id: str | None = None,
        batch_number: str | None = None,
    ) -> RecordPage:
        """One page of `org`'s records, oldest first, with the filters combined (AND).

        productId matches every form of the same identifier (an EPC pattern finds records
        made with the GTIN's Digital Link); batchNumber matches exactly."""
        key = product_key(product_id) if product_id is not None else None
        with self.driver.session(database=self.database) as session:
            total, rows = read_tx(session, repo.listing, org, key, batch_number, page * size, size)
        return RecordPage([public_record(r) for r in rows], total, page, size)

    def update(
        self, org: str, record_id: str, body: TraceabilityRecordUpdate
    ) -> TraceabilityRecordPublic:
        """Apply the fields the body sets (null clears); relink when an identifier changed."""
        given = body.model_fields_set
        if not given:
            return self.get(org, record_id)
        changes = {to_camel(n): stored_value(n, getattr(body, n)) for n in given}
        if "productId" in changes:
            changes["productKey"] = product_key(changes["productId"])
        if "metadata" in changes:
            changes |= METADATA_REPLACED
        changes["updatedAt"] = now_utc()
        relink = bool(given & LINK_FIELDS)

        with self.driver.session(database=self.database) as session:
            result = write_tx(session, self._update, record_id, org, changes, relink)
        if result is None:
            raise NotFound(self.kind, record_id)
        stored, instances = result
        self._changed(instances)
        return public_record(stored)

    @staticmethod
    def _update(
        tx: ManagedTransaction,
        record_id: str,
        org: str,
        changes: dict[str, Any],
        relink: bool,
    ) -> tuple[dict[str, Any], list[str]] | None:
        current = repo.get(tx, record_id, org)
        if current is None:
            return None
        merged = current | changes
        return repo.update(tx, record_id, org, changes, links_of(merged) if relink else None)

    def delete(self, org: str, record_id: str) -> None:
        """Delete `org`'s record (NotFound if it has none of that id)."""
        with self.driver.session(database=self.database) as session:
            instances = write_tx(session, repo.delete, record_id, org)
        if instances is None:
            raise NotFound(self.kind, record_id)
        self._changed(instances)

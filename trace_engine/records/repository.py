"""The traceability-records repository: record nodes of one org and their links into the graph."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from trace_engine.graph.catalog import Query, query

# the link targets records_link.cypher takes, each None or a map (see that file)
LINK_ROLES = ("product", "instance", "supplier", "facility")


def create(
    tx: ManagedTransaction, props: dict[str, Any], links: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Store a new record and link it; return it and the instances it is linked to."""
    result = tx.run(query(Query.RECORDS_CREATE), props=props)
    record = dict((result.single(strict=True))["record"])
    _, after = link(tx, record["id"], links)
    return record, after


def get(tx: ManagedTransaction, record_id: str, org: str) -> dict[str, Any] | None:
    """The record `record_id` of `org`, or None (absent, or another org's)."""
    result = tx.run(query(Query.RECORDS_GET), id=record_id, org=org)
    row = result.single()
    return dict(row["record"]) if row else None


def update(
    tx: ManagedTransaction,
    record_id: str,
    org: str,
    changes: dict[str, Any],
    links: dict[str, Any] | None,
) -> tuple[dict[str, Any], list[str]] | None:
    """Apply `changes` (None removes a property) and, if given, replace the links; return the
    record and the instances it was or is linked to, or None if `org` has no such record."""
    result = tx.run(query(Query.RECORDS_UPDATE), id=record_id, org=org, changes=changes)
    row = result.single()
    if row is None:
        return None
    if links is None:
        before, after = link_targets(tx, record_id)
    else:
        before, after = link(tx, record_id, links)
    return dict(row["record"]), sorted(set(before) | set(after))


def delete(tx: ManagedTransaction, record_id: str, org: str) -> list[str] | None:
    """Delete the record; return the instances it was linked to, or None if there is none."""
    result = tx.run(query(Query.RECORDS_DELETE), id=record_id, org=org)
    row = result.single()
    return list(row["instances"]) if row else None


def count(
    tx: ManagedTransaction, org: str, product_key: str | None, batch_number: str | None
) -> int:
    """How many of `org`'s records match the filters."""
    result = tx.run(
        query(Query.RECORDS_COUNT), org=org, productKey=product_key, batchNumber=batch_number
    )
    total: int = (result.single(strict=True))["total"]
    return total


def page(
    tx: ManagedTransaction,
    org: str,
    product_key: str | None,
    batch_number: str | None,
    skip: int,
    limit: int,
) -> list[dict[str, Any]]:
    """One page of `org`'s records matching the filters, oldest first."""
    result = tx.run(
        query(Query.RECORDS_LIST),
        org=org,
        productKey=product_key,
        batchNumber=batch_number,
        skip=skip,
        limit=limit,
    )
    return [dict(row["record"]) for row in result]


def listing(
    tx: ManagedTransaction,
    org: str,
    product_key: str | None,
    batch_number: str | None,
    skip: int,
    limit: int,
) -> tuple[int, list[dict[str, Any]]]:
    """The total and one page, read in one transaction so they agree."""
    total = count(tx, org, product_key, batch_number)
    rows = page(tx, org, product_key, batch_number, skip, limit) if skip < total else []
    return total, rows


def link(
    tx: ManagedTransaction, record_id: str, links: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """Replace the record's links; the instances it was linked to before and after."""
    parameters = {role: links.get(role) for role in LINK_ROLES}
    result = tx.run(query(Query.RECORDS_LINK), id=record_id, **parameters)
    row = result.single(strict=True)
    return list(row["before"]), list(row["after"])


def link_targets(tx: ManagedTransaction, record_id: str) -> tuple[list[str], list[str]]:
    """The instances the record is linked to (links unchanged): (them, them)."""
    result = tx.run(query(Query.RECORDS_INSTANCES), id=record_id)
    row = result.single(strict=True)
    return list(row["instances"]), list(row["instances"])

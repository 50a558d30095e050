"""The master-data repository: facilities, products and payloads written outside EPCIS capture."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from trace_engine.graph.catalog import Query, query

# payload target kind → the list parameter of payload_targets_missing / payload_attach
TARGET_KINDS = ("events", "facilities", "products", "productInstances")


def put_facility(
    tx: ManagedTransaction,
    key: str,
    display_id: str,
    aliases: list[str],
    org: str,
    props: dict[str, Any],
) -> dict[str, Any]:
    """Create or update `org`'s statement about a facility; return the statement."""
    record = tx.run(
        query(Query.MASTERDATA_FACILITY_PUT),
        id=key,
        displayId=display_id,
        aliases=aliases,
        org=org,
        props=props,
    ).single(strict=True)
    return dict(record["facility"])


def put_product(
    tx: ManagedTransaction,
    key: str,
    display_id: str,
    aliases: list[str],
    org: str,
    props: dict[str, Any],
) -> dict[str, Any]:
    """Create or update `org`'s statement about a product class; return the statement."""
    record = tx.run(
        query(Query.MASTERDATA_PRODUCT_PUT),
        id=key,
        displayId=display_id,
        aliases=aliases,
        org=org,
        props=props,
    ).single(strict=True)
    return dict(record["product"])


def missing_payload_targets(
    tx: ManagedTransaction, org: str, orgs: list[str], targets: dict[str, list[str]]
) -> dict[str, list[str]]:
    """The targets (by kind) that `org` cannot name: its own events, and the facilities,
    products and instances the visible `orgs` have said something about."""
    parameters: dict[str, Any] = {"org": org, "orgs": orgs, **targets}
    record = tx.run(query(Query.PAYLOAD_TARGETS_MISSING), parameters).single(strict=True)
    return {kind: list(record[kind]) for kind in TARGET_KINDS}


def attach_payload(
    tx: ManagedTransaction, payload: dict[str, Any], targets: dict[str, list[str]]
) -> dict[str, Any]:
    """Store a payload and link it from each target; return it with every target it has."""
    parameters: dict[str, Any] = {"payload": payload, **targets}
    record = tx.run(query(Query.PAYLOAD_ATTACH), parameters).single(strict=True)
    return dict(record["payload"])

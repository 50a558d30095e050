"""The enterprise listings' repository: the only code that runs their Cypher.

Every write of a farm, batch or shipment row also keeps it counted in its tally (the
`(:Tally)` of its listing, status and org), in the same transaction, so a listing's
`meta.total` is read from the tallies' degrees instead of counting the org's rows. Each such
write first takes the org's listings lock (`lock_listings`), which lets it delete the tallies it
empties without pulling one from under a concurrent writer.
"""

from __future__ import annotations

from typing import Any

import orjson
from neo4j import ManagedTransaction

from trace_engine.enterprise.schemas import ComplianceStatus, ShipmentStatus
from trace_engine.enterprise.status import CREATING_STEPS, SHIPPING_STEP, BatchStatus
from trace_engine.graph.catalog import Query, query


def org_json(org: str) -> str:
    """The org as JSON text: the prefix of its rows' `rank` keys (no org's is another's prefix)."""
    return orjson.dumps(org).decode()


# every status a row of each listing can have (its tallies)
STATUSES: dict[str, tuple[str, ...]] = {
    "farms": tuple(s.value for s in ComplianceStatus),
    "batches": tuple(s.value for s in BatchStatus),
    "shipments": tuple(s.value for s in ShipmentStatus),
}


def tally_key(listing: str, status: str, org: str) -> str:
    """The key of the tally counting an org's rows of a listing with a status (listing and
    status have no spaces, so the key names one triple; cypher/migrate_tallies.cypher builds it
    the same way)."""
    return f"{listing} {status} {org}"


def lock_listings(tx: ManagedTransaction, org: str) -> None:
    """Take the org's listings lock until commit (cypher/enterprise_listings_lock.cypher): the
    first statement of every write of the org's listing rows, before the rows are locked."""
    tx.run(query(Query.ENTERPRISE_LISTINGS_LOCK), org=org).consume()


def prune_tallies(tx: ManagedTransaction, listing: str, org: str) -> None:
    """Delete the org's tallies of the listing that count nothing (after rows moved or were
    deleted). The transaction holds the org's listings lock."""
    keys = [tally_key(listing, status, org) for status in STATUSES[listing]]
    tx.run(query(Query.ENTERPRISE_TALLIES_PRUNE), keys=keys).consume()


def count_rows(tx: ManagedTransaction, listing: str, org: str, rows: list[tuple[str, str]]) -> None:
    """Count each written row, given as (node element id, status), in its tally (moving it out
    of the tally of its former status, deleted if that leaves it empty). Call in the
    transaction that wrote the rows, which holds the org's listings lock."""
    latest = dict(rows)  # a node written twice counts once, with its last status
    moves = sorted(
        (
            {
                "node": node,
                "key": tally_key(listing, status, org),
                "listing": listing,
                "status": status,
                "org": org,
            }
            for node, status in latest.items()
        ),
        key=lambda m: (m["key"], m["node"]),
    )
    if moves:
        tx.run(query(Query.ENTERPRISE_TALLIES_MOVE), rows=moves).consume()
        prune_tallies(tx, listing, org)


def forget_tallies(tx: ManagedTransaction) -> None:
    """Delete every tally and the record of the migration that builds them (bench, tests)."""
    tx.run(query(Query.ENTERPRISE_TALLIES_FORGET)).consume()


def org_active(tx: ManagedTransaction, org: str) -> bool:
    """True if the org has registered a farm or declared a shipment."""
    return bool(tx.run(query(Query.ENTERPRISE_ORG_ACTIVE), org=org).single(strict=True)["active"])


def put_farm_profiles(
    tx: ManagedTransaction, org: str, rows: list[dict[str, Any]], now: str
) -> list[str]:
    """Create or replace the org's farm fields of facilities (which must exist); return the
    facilities whose statement is new."""
    lock_listings(tx, org)
    records = list(
        tx.run(
            query(Query.ENTERPRISE_FARM_PROFILES_PUT),
            org=org,
            orgKey=org_json(org),
            rows=rows,
            now=now,
        )
    )
    count_rows(tx, "farms", org, [(r["node"], r["profile"]["complianceStatus"]) for r in records])
    return [r["profile"]["facilityId"] for r in records if r["created"]]


def delete_farm_profile(tx: ManagedTransaction, org: str, key: str) -> None:
    """Forget the org's farm statement about a facility (and its tally, if it counted no other)."""
    lock_listings(tx, org)
    tx.run(query(Query.ENTERPRISE_FARM_PROFILE_DELETE), key=key).consume()
    prune_tallies(tx, "farms", org)


def get_farm_profile(tx: ManagedTransaction, key: str) -> dict[str, Any] | None:
    """The org's farm statement about a facility, if any."""
    profile = tx.run(query(Query.ENTERPRISE_FARM_PROFILE_GET), key=key).single(strict=True)[
        "profile"
    ]
    return None if profile is None else dict(profile)


def batch_candidates(
    tx: ManagedTransaction, org: str, keys: list[str], facilities: list[str]
) -> list[str]:
    """Lots collected by the org at its farms, upstream of `keys` or collected at `facilities`."""
    record = tx.run(
        query(Query.ENTERPRISE_BATCH_CANDIDATES),
        org=org,
        keys=keys,
        facilities=facilities,
        creating=list(CREATING_STEPS),
    ).single(strict=True)
    return list(record["lots"])


def batch_facts(tx: ManagedTransaction, org: str, lots: list[str]) -> list[dict[str, Any]]:
    """What status derivation needs about each lot (see `enterprise_batch_facts.cypher`)."""
    result = tx.run(
        query(Query.ENTERPRISE_BATCH_FACTS),
        org=org,
        lots=lots,
        creating=list(CREATING_STEPS),
        shipping=SHIPPING_STEP,
    )
    return [r.data() for r in result]


def write_batches(tx: ManagedTransaction, org: str, rows: list[dict[str, Any]]) -> None:
    """Create or update the org's batch rows."""
    if not rows:
        return
    lock_listings(tx, org)
    result = tx.run(query(Query.ENTERPRISE_BATCHES_WRITE), org=org, rows=rows)
    count_rows(tx, "batches", org, [(r["node"], r["status"]) for r in result])


def write_shipping(tx: ManagedTransaction, org: str, rows: list[dict[str, Any]]) -> None:
    """Apply the org's shipping events to its shipments."""
    lock_listings(tx, org)
    result = tx.run(
        query(Query.ENTERPRISE_SHIPPING_WRITE), org=org, orgKey=org_json(org), rows=rows
    )
    count_rows(tx, "shipments", org, [(r["node"], r["status"]) for r in result])


def put_shipment(tx: ManagedTransaction, **parameters: Any) -> dict[str, Any]:
    """Create or replace a declared shipment; return it with its items (a shipment it absorbs
    is deleted, and with it a tally left empty)."""
    lock_listings(tx, parameters["org"])
    record = tx.run(
        query(Query.ENTERPRISE_SHIPMENT_PUT),
        shipping=SHIPPING_STEP,
        orgKey=org_json(parameters["org"]),
        **parameters,
    ).single(strict=True)
    shipment = dict(record["shipment"])
    count_rows(tx, "shipments", parameters["org"], [(record["node"], shipment["status"])])
    return shipment


def get_shipment(tx: ManagedTransaction, key: str) -> dict[str, Any] | None:
    """A shipment by key, with what it carries."""
    shipment = tx.run(query(Query.ENTERPRISE_SHIPMENT_GET), key=key).single(strict=True)["shipment"]
    return None if shipment is None else dict(shipment)


# listing → (page, full count) statements without and with a status filter, and the field
# returned; two statements, not `$status IS NULL OR …`, so each is served by its own index in
# order. The full counts read every row's index entry (81 ms for 100,000 batches): the
# listings' totals come from the tallies; the full counts check them (tests, bench).
LISTINGS = {
    "farms": (
        (Query.ENTERPRISE_FARMS_LIST, Query.ENTERPRISE_FARMS_COUNT),
        (Query.ENTERPRISE_FARMS_LIST_BY_STATUS, Query.ENTERPRISE_FARMS_COUNT_BY_STATUS),
        "farm",
    ),
    "batches": (
        (Query.ENTERPRISE_BATCHES_LIST, Query.ENTERPRISE_BATCHES_COUNT),
        (Query.ENTERPRISE_BATCHES_LIST_BY_STATUS, Query.ENTERPRISE_BATCHES_COUNT_BY_STATUS),
        "batch",
    ),
    "shipments": (
        (Query.ENTERPRISE_SHIPMENTS_LIST, Query.ENTERPRISE_SHIPMENTS_COUNT),
        (Query.ENTERPRISE_SHIPMENTS_LIST_BY_STATUS, Query.ENTERPRISE_SHIPMENTS_COUNT_BY_STATUS),
        "shipment",
    ),
}


def list_page(
    tx: ManagedTransaction, listing: str, org: str, status: str | None, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of a listing (`farms`, `batches` or `shipments`) and its total."""
    every, by_status, field = LISTINGS[listing]
    page, _ = every if status is None else by_status
    parameters = {"orgKey": org_json(org), "status": status, "offset": offset, "limit": limit}
    rows = [dict(r[field]) for r in tx.run(query(page), parameters)]
    return rows, tallied(tx, listing, org, status)


def tallied(tx: ManagedTransaction, listing: str, org: str, status: str | None) -> int:
    """How many rows of the listing the org has (with `status`, if given), from its tallies."""
    statuses = STATUSES[listing] if status is None else (status,)
    keys = [tally_key(listing, s, org) for s in statuses]
    record = tx.run(query(Query.ENTERPRISE_TALLIES_TOTAL), keys=keys).single(strict=True)
    return int(record["total"])


def full_count(tx: ManagedTransaction, listing: str, org: str, status: str | None) -> int:
    """How many rows of the listing the org has (with `status`, if given), counted row by row
    on the listing's index: what the tallies must equal."""
    every, by_status, _ = LISTINGS[listing]
    _, count = every if status is None else by_status
    record = tx.run(query(count), orgKey=org_json(org), status=status).single(strict=True)
    return int(record["total"])


def visible_orgs(tx: ManagedTransaction, org: str) -> list[str]:
    """The org itself, then every org that shares with it."""
    return list(tx.run(query(Query.VISIBLE_ORGS), org=org).single(strict=True)["orgs"])


def lineage(tx: ManagedTransaction, items: list[str], orgs: list[str]) -> list[dict[str, Any]]:
    """Everything upstream of `items` with what readiness needs about it."""
    return [r.data() for r in tx.run(query(Query.ENTERPRISE_LINEAGE), items=items, orgs=orgs)]


def farm_statuses(
    tx: ManagedTransaction, farms: list[str], orgs: list[str]
) -> dict[str, list[tuple[str, str]]]:
    """Each farm's compliance statements by the visible orgs: [(org, status)]."""
    result = tx.run(query(Query.ENTERPRISE_FARM_STATUSES), farms=farms, orgs=orgs)
    return {r["id"]: [(o, s) for o, s in r["statements"]] for r in result}

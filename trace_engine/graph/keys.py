"""The API-key and sharing repository (organisations, keys, who shares with whom)."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from trace_engine.graph.catalog import Query, query


def create_key(tx: ManagedTransaction, org: str, key: dict[str, Any]) -> dict[str, Any]:
    """Store a key (with its hash) for `org`; return it without the hash."""
    record = tx.run(query(Query.KEYS_CREATE), org=org, key=key).single()
    assert record is not None
    return _public(record["key"])


def key_by_prefix(tx: ManagedTransaction, prefix: str) -> dict[str, Any] | None:
    """The stored key with this prefix, hash included (for the comparison only)."""
    record = tx.run(query(Query.KEYS_BY_PREFIX), prefix=prefix).single()
    return dict(record["key"]) if record else None


def list_keys(tx: ManagedTransaction, org: str) -> list[dict[str, Any]]:
    """The org's keys, without hashes."""
    return [_public(r["key"]) for r in tx.run(query(Query.KEYS_LIST), org=org)]


def revoke_key(tx: ManagedTransaction, org: str, key_id: str, now: str) -> bool:
    """Revoke one of the org's keys; False if it has none with that id."""
    return tx.run(query(Query.KEYS_REVOKE), org=org, id=key_id, now=now).single() is not None


def touch_key(tx: ManagedTransaction, key_id: str, now: str) -> None:
    """Set lastUsedAt."""
    tx.run(query(Query.KEYS_TOUCH), id=key_id, now=now).consume()


def share(tx: ManagedTransaction, source: str, target: str, now: str) -> dict[str, Any]:
    """`source` offers to share its statements with `target` (in effect once accepted)."""
    record = tx.run(query(Query.SHARING_CREATE), source=source, target=target, now=now).single()
    assert record is not None
    return dict(record)


def accept_share(
    tx: ManagedTransaction, source: str, target: str, now: str
) -> dict[str, Any] | None:
    """`target` accepts the share `source` offered; None if there is no such offer."""
    record = tx.run(query(Query.SHARING_ACCEPT), source=source, target=target, now=now).single()
    return dict(record) if record else None


def shares_of(tx: ManagedTransaction, org: str) -> list[dict[str, Any]]:
    """Shares granted by or to `org`."""
    return [dict(r) for r in tx.run(query(Query.SHARING_LIST), org=org)]


def unshare(tx: ManagedTransaction, source: str, target: str) -> bool:
    """Stop sharing; False if there was no such share."""
    return tx.run(query(Query.SHARING_DELETE), source=source, target=target).single() is not None


def visible_orgs(tx: ManagedTransaction, org: str) -> list[str]:
    """`org` and every org whose share it accepted."""
    record = tx.run(query(Query.VISIBLE_ORGS), org=org).single()
    return list(record["orgs"]) if record else [org]


def _public(key: Any) -> dict[str, Any]:
    return {k: v for k, v in dict(key).items() if k != "keyHash"}

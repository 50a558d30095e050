"""The stored-values migration: values stored before the input bounds (trace_engine/kit/
bounds.py) that would break a trace, a list or a GET, repaired or reported.

Repaired, never lost (the original stays on the node, a flag says what was done):
- record and journey `metadata` holding integers beyond 64 bits, NaN/Infinity, or nesting
  deeper than the limit: `metadata` becomes the mended JSON text (`kit.metadata.
  mend_metadata`), `metadataOriginal` keeps the text as it was, `metadataQuarantine` says why;
- stage `distanceKm` / `co2Emissions` that are not finite numbers from 0 to MAX_QUANTITY
  (two stages of 1.7e308 km made a journey's total overflow): set to 0.0, the original kept
  as text in `quarantined`, and the journey's totals recomputed.
Reported as they are (counts and a few ids, on the `Migration` node and by `trace-engine db
migrate`): identifiers longer than the bound (an identity cannot be renamed without breaking
its owner's references), org names longer than the bound (the same: every statement of the org
names it), master-data names, payload content and metadata over the size limit (readable, only
costly), metadata that is not JSON.

Idempotent: a value once repaired no longer matches, so a second run changes nothing.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import orjson
from neo4j import Driver

from trace_engine.graph.catalog import Query, query
from trace_engine.kit.bounds import (
    MAX_ID_LENGTH,
    MAX_ITEMS,
    MAX_NAME_LENGTH,
    MAX_ORG_LENGTH,
    MAX_QUANTITY,
)
from trace_engine.kit.metadata import METADATA_MAX_BYTES, METADATA_MAX_DEPTH, mend_metadata

MIGRATION_ID = "stored-values"
_EXAMPLES = 5
_QUANTITIES = ("distanceKm", "co2Emissions")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _read(driver: Driver, database: str, name: Query, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(query(name), params, database_=database, routing_="r")
    return [record.data() for record in records]


def _write(driver: Driver, database: str, name: Query, **params: Any) -> None:
    driver.execute_query(query(name), params, database_=database)


def _count(report: dict[str, Any], kind: str, item_id: str) -> None:
    entry = report.setdefault(kind, {"count": 0, "examples": []})
    entry["count"] += 1
    if len(entry["examples"]) < _EXAMPLES:
        entry["examples"].append(item_id[:80])


def check_stored_values(driver: Driver, database: str) -> dict[str, Any]:
    """Repair what can be repaired, report the rest; return and record the report:
    `{"repaired": {kind: {count, examples}}, "reported": {kind: {count, examples}}}`."""
    repaired: dict[str, Any] = {}
    reported: dict[str, Any] = {}
    now = _now()
    _repair_metadata(driver, database, now, repaired, reported)
    _repair_stages(driver, database, now, repaired)
    for row in _read(
        driver,
        database,
        Query.STORED_VALUES_REPORT,
        maxId=MAX_ID_LENGTH,
        maxOrg=MAX_ORG_LENGTH,
        maxName=MAX_NAME_LENGTH,
        maxChars=METADATA_MAX_BYTES,
        examples=_EXAMPLES,
    ):
        reported[row["kind"]] = {"count": row["count"], "examples": row["examples"]}
    report = {"repaired": repaired, "reported": reported}
    _write(
        driver,
        database,
        Query.MIGRATION_REPORT,
        id=MIGRATION_ID,
        now=now,
        report=orjson.dumps(report).decode(),
    )
    return report


def _repair_metadata(
    driver: Driver, database: str, now: str, repaired: dict[str, Any], reported: dict[str, Any]
) -> None:
    suspects = _read(
        driver,
        database,
        Query.STORED_METADATA_SUSPECTS,
        maxDepth=METADATA_MAX_DEPTH,
        minChars=METADATA_MAX_BYTES // 4,
    )
    for suspect in suspects:  # few: only values stored before the bounds
        kind = "record" if suspect["label"] == "TraceabilityRecord" else "journey"
        [row] = _read(driver, database, Query.STORED_METADATA_TEXT, node=suspect["node"])
        text = row["text"]
        mended = mend_metadata(text)
        if mended is None:
            if not _readable(text):
                _count(reported, f"{kind} metadata that cannot be read as JSON", suspect["id"])
            continue  # else a false alarm of the text search (digits inside a string)
        mended_text, done = mended
        _write(
            driver,
            database,
            Query.STORED_METADATA_QUARANTINE,
            node=suspect["node"],
            text=text,
            mended=mended_text,
            reason="; ".join(done) + " (stored before the input bounds; the original is in "
            "metadataOriginal)",
            now=now,
        )
        _count(repaired, f"{kind} metadata", suspect["id"])


def _readable(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _fits(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and 0 <= value <= MAX_QUANTITY


def _repair_stages(driver: Driver, database: str, now: str, repaired: dict[str, Any]) -> None:
    journeys: set[str] = set()
    for stage in _read(driver, database, Query.STORED_STAGE_QUANTITIES, maxQuantity=MAX_QUANTITY):
        bad = {k: stage[k] for k in _QUANTITIES if stage[k] is not None and not _fits(stage[k])}
        _write(
            driver,
            database,
            Query.STORED_STAGE_QUARANTINE,
            node=stage["node"],
            changes=dict.fromkeys(bad, 0.0),
            quarantined=orjson.dumps({k: repr(v) for k, v in bad.items()}).decode(),
            now=now,
        )
        journeys.add(stage["journeyId"])
        _count(repaired, "stage quantities", stage["id"])
    # totals that overflowed (also with no stage left out of bounds): recomputed
    max_total = MAX_QUANTITY * MAX_ITEMS
    for row in _read(driver, database, Query.STORED_JOURNEYS_BAD_TOTALS, maxTotal=max_total):
        journeys.add(row["id"])
    for journey_id in sorted(journeys):
        _write(driver, database, Query.JOURNEYS_TOTALS, id=journey_id, now=now)
        _count(repaired, "journey totals", journey_id)


def stored_values_report(driver: Driver, database: str) -> dict[str, Any] | None:
    """The report of the last stored-values run, with when it ran (None if never)."""
    [row] = _read(driver, database, Query.MIGRATION_GET, id=MIGRATION_ID)
    migration = row["migration"]
    if migration is None:
        return None
    report: dict[str, Any] = orjson.loads(migration.get("report") or "{}")
    return {"at": migration.get("lastRunAt") or migration.get("at"), **report}

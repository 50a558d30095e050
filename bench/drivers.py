"""Sync against async driver, the same managed reads on the same server, in one run.

    .venv/bin/python bench/drivers.py [--records 500] [--stages 200] [--runs 300]

Creates, for org `bench-drivers`, --records traceability records (through the records
service) and one journey with --stages stages (through the journey service), then times, per
run and alternating which goes first, the same read transaction on the sync driver (the one
the app holds) and on an async driver made here for the comparison only:
- records list: the first page of 20 (cypher records_count + records_list, one transaction);
- journey read: the journey with its stages (journeys_get, what GET …/traceability/{id} runs);
- trace: cypher/trace.cypher for one of the org's lots is in bench/trace.py.
Each read fetches every row as a dict. Deletes what it made (through the services) and
appends the figures to bench/RESULTS.md. Uses the Neo4j of TRACE_NEO4J_URI.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

from neo4j import AsyncGraphDatabase, AsyncManagedTransaction, ManagedTransaction

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import append_results, percentiles, section_header  # noqa: E402
from trace_engine.config import get_settings  # noqa: E402
from trace_engine.graph.catalog import Query, query  # noqa: E402
from trace_engine.graph.driver import make_driver  # noqa: E402
from trace_engine.journeys.schemas import JourneyCreate, StageBulk  # noqa: E402
from trace_engine.journeys.service import JourneyService  # noqa: E402
from trace_engine.records.schemas import TraceabilityRecordCreate  # noqa: E402
from trace_engine.records.service import RecordService  # noqa: E402

ORG = "bench-drivers"
Reads = list[tuple[Query, dict[str, Any]]]


def _sync_read(tx: ManagedTransaction, reads: Reads) -> list[list[dict[str, Any]]]:
    return [[dict(r.items()) for r in tx.run(query(q), p)] for q, p in reads]


async def _async_read(tx: AsyncManagedTransaction, reads: Reads) -> list[list[dict[str, Any]]]:
    out = []
    for q, p in reads:
        result = await tx.run(query(q), p)
        out.append([dict(r.items()) async for r in result])
    return out


def _shape(rows: list[list[dict[str, Any]]]) -> list[list[str]]:
    def canonical(value: Any) -> str:
        if isinstance(value, dict):
            return str(sorted((k, canonical(v)) for k, v in value.items()))
        if isinstance(value, list):
            return str(sorted(canonical(v) for v in value))
        return repr(value)

    return [sorted(canonical(row) for row in read) for read in rows]


def setup(records: int, stages: int) -> tuple[str, list[str]]:
    """Make the org's records and journey; return the journey's id and the records' ids."""
    settings = get_settings()
    driver = make_driver(settings)
    try:
        service = RecordService(driver, settings.neo4j_database)
        made = [
            service.create(
                ORG,
                TraceabilityRecordCreate(
                    product_id=f"0061414100{n % 10:03d}1", batch_number=f"B{n}", origin="bench"
                ),
            ).id
            for n in range(records)
        ]
        journeys = JourneyService(driver, settings.neo4j_database)
        journey = journeys.create(ORG, None, JourneyCreate(traceability_name="bench journey"))
        rows = [{"sequenceOrder": n + 1, "stageName": f"Leg {n}"} for n in range(stages)]
        journeys.bulk_upsert(ORG, None, journey.id, StageBulk(stages=rows))
        return str(journey.id), [str(m) for m in made]
    finally:
        driver.close()


def cleanup(journey_id: str, record_ids: list[str]) -> None:
    """Delete what `setup` made, through the services."""
    settings = get_settings()
    driver = make_driver(settings)
    try:
        for record_id in record_ids:
            RecordService(driver, settings.neo4j_database).delete(ORG, record_id)
        JourneyService(driver, settings.neo4j_database).delete(ORG, journey_id)
    finally:
        driver.close()


async def measure(journey_id: str, runs: int) -> dict[str, dict[str, float]]:
    settings = get_settings()
    sync_driver = make_driver(settings)
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    async_driver = AsyncGraphDatabase.driver(settings.neo4j_uri, auth=auth)
    plain = {"org": ORG, "productKey": None, "batchNumber": None}
    reads: dict[str, Reads] = {
        "records list": [
            (Query.RECORDS_COUNT, plain),
            (Query.RECORDS_LIST, plain | {"skip": 0, "limit": 20}),
        ],
        "journey read": [(Query.JOURNEYS_GET, {"org": ORG, "id": journey_id})],
    }
    times: dict[str, list[float]] = {f"{n} {s}": [] for n in reads for s in ("sync", "async")}
    sync_session = sync_driver.session(database=settings.neo4j_database)
    async with async_driver.session(database=settings.neo4j_database) as session:
        for name, statements in reads.items():
            a = sync_session.execute_read(_sync_read, statements)
            b = await session.execute_read(_async_read, statements)
            # the same rows both ways (a journey's stages come unordered: compare their ids)
            assert _shape(a) == _shape(b) and a[-1], name
            for _ in range(20):  # warm both
                sync_session.execute_read(_sync_read, statements)
                await session.execute_read(_async_read, statements)
        for n in range(runs):
            for name, statements in reads.items():
                for style in ("sync", "async") if n % 2 == 0 else ("async", "sync"):
                    start = time.perf_counter()
                    if style == "sync":
                        sync_session.execute_read(_sync_read, statements)
                    else:
                        await session.execute_read(_async_read, statements)
                    times[f"{name} {style}"].append((time.perf_counter() - start) * 1000)
    sync_session.close()
    sync_driver.close()
    await async_driver.close()
    return {name: percentiles(samples) for name, samples in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--stages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    journey_id, record_ids = setup(args.records, args.stages)
    try:
        figures = asyncio.run(measure(journey_id, args.runs))
    finally:
        cleanup(journey_id, record_ids)
    lines = section_header(
        "sync against async driver, records list and journey read",
        f"python bench/drivers.py --records {args.records} --stages {args.stages} "
        f"--runs {args.runs}",
    )
    lines += [
        f"- data: {args.records} records and one journey of {args.stages} stages, org `{ORG}`;"
        f" {args.runs} runs of each read, alternating which driver goes first",
        "",
        "| read | driver | p50 ms | p95 ms | p99 ms |",
        "|---|---|---:|---:|---:|",
    ]
    for name, p in figures.items():
        read, style = name.rsplit(" ", 1)
        lines.append(f"| {read} | {style} | {p['p50']:.2f} | {p['p95']:.2f} | {p['p99']:.2f} |")
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    lines += ["", f"- load average (1/5/15 min) at the end: {load} (2 CPUs may be shared)"]
    if args.note:
        lines += ["", args.note]
    print("\n".join(lines))
    append_results(lines)


if __name__ == "__main__":
    main()

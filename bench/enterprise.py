"""The enterprise listings at scale: 100,000 collection batches and 10,000 shipments.

    .venv/bin/python bench/enterprise.py [--batches 100000] [--shipments 10000] [--runs 30]

Generates one EPCIS 2.0 JSON-LD document for org `bench-enterprise` (1,000 farms as master
data; per shipment: `batches / shipments` collection events at farms (a tenth of the farms
rejected, a tenth pending), one bulking TransformationEvent, one AggregationEvent packing the
bulk lot into a container (SSCC); every other container is shipped), loads it through the
real ingest path (`trace-engine load`, which derives the batch rows and shipments in each
write transaction), declares the unshipped half of the shipments through
`EnterpriseService.put_shipment`, then starts `trace-engine serve` and times, warm, each
listing's page of 100 (first page, a deep page, a status filter) and a shipment's readiness.

`meta.total` before and after the tallies, side by side in one run: each listing's page read
with its total counted row by row on the index (what the listings did before) and with its
total read from the tallies (what they do now), alternating in one process on the same graph,
through the repository the service uses. Then the migration that builds the tallies of an
older graph is timed (tallies deleted, `migrate` run, every total checked against the full
count). Appends the figures and `uptime` to bench/RESULTS.md. Wipes the graph of
TRACE_NEO4J_URI first (unless --skip-load).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    DATA,
    api_key,
    append_results,
    counts,
    percentiles,
    section_header,
    serving,
    wipe,
)
from trace_engine.config import get_settings  # noqa: E402
from trace_engine.enterprise import repository as repo  # noqa: E402
from trace_engine.enterprise.schemas import ShipmentDeclare  # noqa: E402
from trace_engine.enterprise.service import EnterpriseService  # noqa: E402
from trace_engine.graph.driver import make_driver  # noqa: E402
from trace_engine.graph.schema import MIGRATIONS, migrate  # noqa: E402

ORG = "bench-enterprise"
FARMS = 1000
PREFIX = "0614141"
_MDA = "urn:trace-engine:mda:"


def _farm(n: int) -> str:
    return f"urn:epc:id:sgln:{PREFIX}.{n:05d}.0"


def _status(n: int) -> str:
    return "rejected" if n % 10 == 7 else "pending" if n % 10 == 3 else "approved"


def _iso(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(seconds))


def document(batches: int, shipments: int) -> dict[str, Any]:
    """The generated season (see the module doc)."""
    per = max(1, batches // shipments)
    start = 1_704_067_200  # 2024-01-01
    events: list[dict[str, Any]] = []

    def emit(kind: str, when: int, **body: Any) -> None:
        events.append(
            {
                "type": kind,
                "eventID": f"urn:uuid:00000000-0000-4000-8000-{len(events):012d}",
                "eventTime": _iso(when),
                "eventTimeZoneOffset": "+00:00",
                **body,
            }
        )

    for b in range(batches):
        lot = f"urn:epc:class:lgtin:{PREFIX}.055555.B{b:07d}"
        agent = f"urn:epc:id:pgln:{PREFIX}.{b % 50:05d}"
        emit(
            "ObjectEvent",
            start + b * 30,
            action="ADD",
            bizStep="commissioning",
            quantityList=[
                {"epcClass": lot, "quantity": 100 + b % 900, "uom": "KGM"},
                {"epcClass": lot, "quantity": 2 + b % 14, "uom": "XBG"},
            ],
            bizLocation={"id": _farm(1 + b % FARMS)},
            sourceList=[{"type": "owning_party", "source": agent}],
        )
    later = start + batches * 30
    for s in range(shipments):
        lots = [
            f"urn:epc:class:lgtin:{PREFIX}.055555.B{b:07d}"
            for b in range(s * per, min(batches, (s + 1) * per))
        ]
        bulk = f"urn:epc:class:lgtin:{PREFIX}.077777.S{s:06d}"
        container = f"urn:epc:id:sscc:{PREFIX}.{s:010d}"
        kg = sum(100 + int(lot[-7:]) % 900 for lot in lots)
        emit(
            "TransformationEvent",
            later + s * 60,
            bizStep="creating_class_instance",
            inputQuantityList=[
                {"epcClass": lot, "quantity": 100 + int(lot[-7:]) % 900, "uom": "KGM"}
                for lot in lots
            ],
            outputQuantityList=[{"epcClass": bulk, "quantity": kg, "uom": "KGM"}],
            bizLocation={"id": f"urn:epc:id:sgln:{PREFIX}.09999.0"},
        )
        emit(
            "AggregationEvent",
            later + s * 60 + 10,
            action="ADD",
            bizStep="packing",
            parentID=container,
            childQuantityList=[{"epcClass": bulk, "quantity": kg, "uom": "KGM"}],
            bizLocation={"id": f"urn:epc:id:sgln:{PREFIX}.09999.0"},
        )
        if s % 2 == 0:
            emit(
                "ObjectEvent",
                later + s * 60 + 20,
                action="OBSERVE",
                bizStep="shipping",
                epcList=[container],
                bizLocation={"id": f"urn:epc:id:sgln:{PREFIX}.09999.0"},
            )
    farms = [
        {
            "id": _farm(n),
            "attributes": [
                {"id": "urn:trace-engine:mda:facilityType", "attribute": "FARM"},
                {"id": _MDA + "farmerName", "attribute": f"Farmer {n}"},
                {"id": _MDA + "farmerId", "attribute": f"F-{n:05d}"},
                {"id": _MDA + "community", "attribute": f"Community {n % 40}"},
                {"id": _MDA + "areaHectares", "attribute": 1 + n % 9},
                {"id": _MDA + "commodity", "attribute": "cocoa"},
                {"id": _MDA + "complianceStatus", "attribute": _status(n)},
            ],
        }
        for n in range(1, FARMS + 1)
    ]
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": _iso(later),
        "epcisHeader": {
            "epcisMasterData": {
                "vocabularyList": [
                    {
                        "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
                        "vocabularyElementList": farms,
                    }
                ]
            }
        },
        "epcisBody": {"eventList": events},
    }


def declare(shipments: int) -> float:
    """Declare the unshipped half of the shipments; the seconds it took."""
    settings = get_settings()
    started = time.perf_counter()
    with make_driver(settings) as driver:
        service = EnterpriseService(driver, settings.neo4j_database)
        for s in range(1, shipments, 2):
            body = ShipmentDeclare.model_validate(
                {
                    "shipmentCode": f"SHP-{s:06d}",
                    "status": "ready" if s % 4 == 1 else "draft",
                    "buyerCompany": "Bench Buyer",
                    "destinationCountry": "Netherlands",
                    "destinationPort": "Rotterdam",
                    "commodity": "Cocoa",
                    "estimatedShipDate": "2024-06-01",
                    "items": [f"urn:epc:id:sscc:{PREFIX}.{s:010d}"],
                }
            )
            service.put_shipment(ORG, f"SHP-{s:06d}", body)
    return time.perf_counter() - started


# (label, listing, status, offset) of the before/after comparison
COMPARED = (
    ("farms, first page", "farms", None, 0),
    ("batches, first page", "batches", None, 0),
    ("batches, status=shipped", "batches", "shipped", 0),
    ("batches, offset 50,000", "batches", None, 50_000),
    ("shipments, first page", "shipments", None, 0),
)


def _page_and_total(tx: Any, listing: str, status: str | None, offset: int, tallies: bool) -> int:
    rows, _ = repo.list_page(tx, listing, ORG, status, offset, 100)
    assert len(rows) > 0 or offset > 0
    if tallies:
        return repo.tallied(tx, listing, ORG, status)
    return repo.full_count(tx, listing, ORG, status)


def _total_only(tx: Any, listing: str, status: str | None, tallies: bool) -> int:
    if tallies:
        return repo.tallied(tx, listing, ORG, status)
    return repo.full_count(tx, listing, ORG, status)


def before_after(runs: int) -> list[tuple[str, int, dict[str, float]]]:
    """Per compared listing: p50 ms of (page + full count), (page + tally total), (full count
    alone), (tally total alone), alternating in one process; the two totals must agree."""
    settings = get_settings()
    out = []
    with make_driver(settings) as driver, driver.session(database=settings.neo4j_database) as s:
        for label, listing, status, offset in COMPARED:
            samples: dict[str, list[float]] = {"before": [], "after": [], "count": [], "tally": []}
            full = s.execute_read(_total_only, listing, status, False)
            tallied = s.execute_read(_total_only, listing, status, True)
            assert full == tallied, (label, full, tallied)
            for _ in range(runs):
                for key, tallies in (("before", False), ("after", True)):
                    started = time.perf_counter()
                    s.execute_read(_page_and_total, listing, status, offset, tallies)
                    samples[key].append((time.perf_counter() - started) * 1000)
                for key, tallies in (("count", False), ("tally", True)):
                    started = time.perf_counter()
                    s.execute_read(_total_only, listing, status, tallies)
                    samples[key].append((time.perf_counter() - started) * 1000)
            medians = {k: statistics.median(v) for k, v in samples.items()}
            print(
                f"{label}: {full} rows, before/after p50 {medians['before']:.1f}/"
                f"{medians['after']:.1f} ms"
            )
            out.append((label, full, medians))
    return out


def time_migration() -> tuple[float, int]:
    """Delete every tally, run the tallies migration as the schema step does, check every
    total against the full count; (seconds, rows counted)."""
    settings = get_settings()
    db = settings.neo4j_database
    with make_driver(settings) as driver:
        with driver.session(database=db) as s:
            s.execute_write(repo.forget_tallies)
        assert "enterprise-tallies" in dict(MIGRATIONS)
        started = time.perf_counter()
        ran = migrate(driver, db)
        seconds = time.perf_counter() - started
        assert ran == ["enterprise-tallies"], ran
        with driver.session(database=db) as s:
            rows = 0
            for listing, statuses in repo.STATUSES.items():
                for status in (None, *statuses):
                    full = s.execute_read(_total_only, listing, status, False)
                    assert s.execute_read(_total_only, listing, status, True) == full
                    rows += full if status is None else 0
    return seconds, rows


def timed(http: httpx.Client, path: str, runs: int, **params: Any) -> dict[str, float]:
    """Warm p50/p95 of GET path (one untimed call first); checks the answer is a page."""
    first = http.get(path, params=params)
    first.raise_for_status()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = http.get(path, params=params)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    result = percentiles(samples)
    result["mean"] = statistics.fmean(samples)
    body = first.json()
    result["total"] = float(body.get("meta", {}).get("total", -1))
    return result


def main() -> None:
    """Generate, load, declare, measure, record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=100_000)
    parser.add_argument("--shipments", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--note", default="")
    parser.add_argument(
        "--migration",
        action="store_true",
        help="also time the migration that builds the tallies (deletes them first)",
    )
    parser.add_argument(
        "--skip-load",
        type=float,
        metavar="SECONDS",
        help="the graph is loaded already (in SECONDS, recorded as given): declare and measure",
    )
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"enterprise-{args.batches}-{args.shipments}.jsonld"
    doc = document(args.batches, args.shipments)
    path.write_bytes(orjson.dumps(doc))
    n_events = len(doc["epcisBody"]["eventList"])
    del doc
    print(f"{n_events:,} events in {path} ({path.stat().st_size / 1e6:.1f} MB)")
    if args.skip_load is None:
        wipe()
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "trace_engine", "load", str(path), "--org", ORG],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        load_s = time.perf_counter() - started
    else:
        load_s = args.skip_load
    print(f"loaded in {load_s:.1f} s ({n_events / load_s:,.0f} events/s)")
    declare_s = declare(args.shipments)
    print(f"declared {args.shipments // 2:,} shipments in {declare_s:.1f} s")
    nodes, rels = counts()
    uptime_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    compared = before_after(args.runs)
    secret = api_key(ORG, ["read"], "bench enterprise")
    rows: list[tuple[str, dict[str, float]]] = []
    with (
        serving() as base,
        httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {secret}"}, timeout=120
        ) as http,
    ):
        deep = args.batches // 2
        for label, path_, params in (
            ("farms, first page of 100", "/api/v1/farms", {}),
            ("farms, rejected", "/api/v1/farms", {"compliance_status": "rejected"}),
            ("batches, first page of 100", "/api/v1/batches", {}),
            (f"batches, page at offset {deep:,}", "/api/v1/batches", {"offset": deep}),
            ("batches, status=shipped", "/api/v1/batches", {"status": "shipped"}),
            ("batches, status=collecting (none)", "/api/v1/batches", {"status": "collecting"}),
            ("shipments, first page of 100 (readiness of each)", "/api/v1/shipments", {}),
            ("shipments, ready, 100 (readiness)", "/api/v1/shipments", {"status": "ready"}),
            ("shipments, page of 500 (readiness of each)", "/api/v1/shipments", {"limit": 500}),
            ("one shipment's readiness evidence", "/api/v1/shipments/SHP-000001/readiness", {}),
        ):  # fmt: skip
            result = timed(http, path_, args.runs, **params)
            print(f"{label}: p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms")
            rows.append((label, result))
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    migration_s, migrated = time_migration() if args.migration else (None, 0)
    command = (
        f".venv/bin/python bench/enterprise.py --batches {args.batches} "
        f"--shipments {args.shipments} --runs {args.runs}"
        + (f" --skip-load {args.skip_load}" if args.skip_load is not None else "")
        + (" --migration" if args.migration else "")
    )
    lines = section_header(
        f"enterprise listings, {args.batches:,} batches and {args.shipments:,} shipments", command
    )
    lines += [
        f"- data: {n_events:,} EPCIS events generated by bench/enterprise.py ({FARMS:,} farms as "
        f"master data, {args.batches // args.shipments} batches per shipment), loaded through "
        f"`trace-engine load` (batch rows and shipments derived in each write transaction), "
        f"then {args.shipments // 2:,} shipments declared through `EnterpriseService.put_shipment`",
        f"- graph: {nodes:,} nodes, {rels:,} relationships",
        f"- load: {load_s:.1f} s ({n_events / load_s:,.0f} events/s); declaring: {declare_s:.1f} s "
        f"({args.shipments // 2 / declare_s:,.0f} shipments/s)",
        f"- load (`uptime`) before the requests: {uptime_before}; after: {uptime}; the machine "
        "is shared with seven other helpers' work, so these figures were taken under contention",
        f"- each row: {args.runs} warm requests over HTTP (one untimed first), one client, "
        "read key, `trace-engine serve` on loopback",
        "",
        "| request | total | p50 ms | p95 ms | mean ms |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {label} | {int(r['total']) if r['total'] >= 0 else '-'} | {r['p50']:.1f} | "
        f"{r['p95']:.1f} | {r['mean']:.1f} |"
        for label, r in rows
    ]
    lines += [
        "",
        f"`meta.total` before (counted row by row on the index) and after (the tallies), side by "
        f"side in this run: {args.runs} alternating reads each, in one process through the "
        "repository the service uses (no HTTP), p50 ms; both totals agreed on every row.",
        "",
        "| page of 100 | total | page + full count (before) | page + tallies (after) | "
        "full count alone | tallies alone |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {label} | {total:,} | {m['before']:.1f} | {m['after']:.1f} | {m['count']:.1f} | "
        f"{m['tally']:.1f} |"
        for label, total, m in compared
    ]
    if migration_s is not None:
        lines += [
            "",
            f"Migration `enterprise-tallies` on this graph (every tally deleted first): "
            f"{migration_s:.1f} s for {migrated:,} rows; every total equal to the full count "
            "after it.",
        ]
    if args.note:
        lines += ["", args.note]
    append_results(lines)
    print(f"appended to bench/RESULTS.md (TRACE_NEO4J_URI={os.environ.get('TRACE_NEO4J_URI')})")


if __name__ == "__main__":
    main()

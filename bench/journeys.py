"""Bulk upsert of processing stages over HTTP.

    .venv/bin/python bench/journeys.py [--stages 1000] [--runs 5]

Creates an API key (org `bench-journeys`) with trace_engine.keys.KeyService, starts
`trace-engine serve` on a free loopback port, and for each run creates a journey and times
one `POST …/{id}/stages/bulk` of --stages new stages, then the same request again (all
updates). Checks the totals against the stages read back, deletes the journeys (nothing else
is touched) and appends the figures to bench/RESULTS.md. Uses the Neo4j of TRACE_NEO4J_URI.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import api_key, append_results, section_header, serving  # noqa: E402

ORG = "bench-journeys"
BASE = "/api/v1/product/traceability"


def stages(count: int) -> list[dict[str, Any]]:
    """`count` valid stages, both documents' forms mixed."""
    modes = ["TRUCK", "SHIP", "TRAIN", "PLANE", "ROAD", "SEA"]
    return [
        {
            "sequenceOrder": n,
            "stageName": f"Leg {n}",
            "companyType": "SUPPLIER",
            "supplierId": f"supplier-{n % 50}",
            "transportMode": modes[n % len(modes)],
            "distanceKm": round(n * 1.37, 2),
            "co2Emissions": round(n * 0.013, 3),
            "certificationsSnapshot": "GOTS",
        }
        for n in range(1, count + 1)
    ]


def run(http: httpx.Client, body: dict[str, Any], count: int) -> tuple[float, float]:
    """Create a journey, time the bulk create and the bulk update; check and delete it."""
    created = http.post(BASE, json={"traceabilityName": "bench journey"})
    created.raise_for_status()
    journey_id = created.json()["id"]
    timings = []
    for expected in ((count, 0), (0, count)):
        start = time.perf_counter()
        response = http.post(f"{BASE}/{journey_id}/stages/bulk", json=body)
        timings.append(time.perf_counter() - start)
        response.raise_for_status()
        result = response.json()
        assert (result["created"], result["updated"], result["failed"]) == (*expected, 0), result
    journey = http.get(f"{BASE}/{journey_id}").json()
    read_back = journey["processingStages"]
    assert len(read_back) == count
    assert math.isclose(
        journey["totalDistanceKm"], math.fsum(s["distanceKm"] for s in read_back), rel_tol=1e-9
    )
    http.delete(f"{BASE}/{journey_id}").raise_for_status()
    return timings[0], timings[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--stages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="Print, do not append")
    args = parser.parse_args()

    secret = api_key(ORG, ["admin"], "bench/journeys.py")
    body = {"stages": stages(args.stages)}
    size_kb = len(orjson.dumps(body)) / 1024
    with serving() as base:
        headers = {"Authorization": f"Bearer {secret}"}
        with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
            run(http, body, args.stages)  # warm-up: query plans, page cache
            results = [run(http, body, args.stages) for _ in range(args.runs)]

    creates = [c * 1000 for c, _ in results]
    updates = [u * 1000 for _, u in results]
    lines = [
        f"- data: one request of {args.stages:,} stages ({size_kb:,.0f} KiB of JSON) per run, "
        f"{args.runs} runs after one warm-up, each on a fresh journey",
        "",
        "| bulk upsert | stages | median ms | min / max ms | stages/s (median) |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, samples in (("all created", creates), ("all updated", updates)):
        median = statistics.median(samples)
        lines.append(
            f"| {label} | {args.stages:,} | **{median:.0f}** | {min(samples):.0f} / "
            f"{max(samples):.0f} | {args.stages / median * 1000:,.0f} |"
        )
    lines += [
        "",
        "HTTP `POST /api/v1/product/traceability/{id}/stages/bulk` against `trace-engine serve` "
        "on loopback (validation, the journey lock, one UNWIND write, the totals recompute and "
        "the commit, all in one managed transaction).",
        "",
    ]
    if not args.no_write:
        command = " ".join([".venv/bin/python bench/journeys.py", *sys.argv[1:]])
        append_results(section_header("journeys, bulk upsert of stages", command) + lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""EPCIS query interface latency on a loaded graph (GET /epcis/events over HTTP).

    .venv/bin/python bench/epcis_query.py --org bench [--load bench/data/gen-1000000-seed42]

With --load, wipes the graph and bulk-loads the folder as --org first (`trace-engine load`);
otherwise measures the graph as it is. Then, against `trace-engine serve` on loopback, with a
read key of --org, sequential requests after a warm-up:
  - first page (perPage 100) of EQ_bizStep=shipping & GE_eventTime=<random instant>,
    of MATCH_anyEPCClass=<a random lot> and of EQ_bizLocation=<a random facility>:
    p50 / p95 / p99 over --samples requests each (different values per request);
  - one large result (every event, eventTime DESC): page 1 against page --deep-page, each
    requested --repeat times (the token of the deep page is reused: tokens are stateless).
Appends a section to bench/RESULTS.md with the machine, the load average and the figures.
"""

from __future__ import annotations

import argparse
import calendar
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    api_key,
    append_results,
    counts,
    percentiles,
    section_header,
    serving,
    wipe,
)
from trace_engine.seed.generator import load_truth  # noqa: E402


def _load(folder: Path, org: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "trace_engine", "load", str(folder), "--org", org],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _events(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text[:500]
    listed: list[dict[str, Any]] = response.json()["epcisBody"]["queryResults"]["resultsBody"][
        "eventList"
    ]
    return listed


def _timed(client: httpx.Client, url: str, params: Any = None) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = client.get(url, params=params)
    return (time.perf_counter() - started) * 1000, response


def _members(client: httpx.Client, path: str, wanted: int) -> list[str]:
    """Up to `wanted` members of a top-level resource (following its pages)."""
    members: list[str] = []
    url: str | None = path
    params: dict[str, Any] | None = {"perPage": 1000}
    while url and len(members) < wanted:
        response = client.get(url, params=params)
        assert response.status_code == 200, response.text[:300]
        members.extend(response.json()["member"])
        link = response.headers.get("Link")
        url = link[1 : link.index(">")] if link else None
        params = None
    return members


def _family(
    client: httpx.Client, name: str, requests: list[dict[str, Any]], warm: int
) -> dict[str, Any]:
    for params in requests[:warm]:
        client.get("/epcis/events", params=params)
    samples, sizes = [], []
    for params in requests:
        ms, response = _timed(client, "/epcis/events", params)
        sizes.append(len(_events(response)))
        samples.append(ms)
    return {
        "name": name,
        "ms": percentiles(samples),
        "events_median": statistics.median(sizes),
        "events_max": max(sizes),
    }


def _deep(client: httpx.Client, deep_page: int, repeat: int) -> dict[str, Any]:
    params = {"perPage": 100}
    first_ms, response = _timed(client, "/epcis/events", params)
    walked = time.perf_counter()
    link = response.headers.get("Link")
    deep_url = None
    for _ in range(deep_page - 1):
        assert link, "the result ended before the deep page"
        deep_url = link[1 : link.index(">")]
        response = client.get(deep_url)
        assert len(_events(response)) == 100
        link = response.headers.get("Link")
    walk_s = time.perf_counter() - walked
    assert deep_url is not None
    page1, deep = [], []
    for _ in range(repeat):
        ms, response = _timed(client, "/epcis/events", params)
        assert len(_events(response)) == 100
        page1.append(ms)
        ms, response = _timed(client, deep_url)
        assert len(_events(response)) == 100
        deep.append(ms)
    return {
        "page1": percentiles(page1),
        "deep": percentiles(deep),
        "walk_s": walk_s,
        "first_cold_ms": first_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--org", default="bench")
    parser.add_argument("--load", type=Path, help="wipe, then bulk-load this folder first")
    parser.add_argument(
        "--data",
        type=Path,
        default=ROOT / "bench" / "data" / "gen-1000000-seed42",
        help="the generated folder the graph was loaded from (its truth file names the lots)",
    )
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--deep-page", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--note", default="")
    parser.add_argument("--no-write", action="store_true", help="print, do not append")
    args = parser.parse_args()

    load_s = None
    if args.load:
        args.data = args.load
        wipe()
        load_s = _load(args.load, args.org)
    nodes, relationships = counts()
    secret = api_key(args.org, ["read"], "bench/epcis_query.py")
    rng = random.Random(args.seed)
    uptime_before = os.getloadavg()
    with (
        serving() as base,
        httpx.Client(
            base_url=base, timeout=120, headers={"Authorization": f"Bearer {secret}"}
        ) as client,
    ):
        newest = _events(client.get("/epcis/events", params={"perPage": 1}))[0]["eventTime"]
        oldest = _events(
            client.get(
                "/epcis/events",
                params={"perPage": 1, "orderBy": "eventTime", "orderDirection": "ASC"},
            )
        )[0]["eventTime"]
        lots = [lot for lot in load_truth(args.data) if ":lgtin:" in lot]
        places = _members(client, "/epcis/bizLocations", 20_000)
        t0 = calendar.timegm(time.strptime(oldest[:19], "%Y-%m-%dT%H:%M:%S"))
        t1 = calendar.timegm(time.strptime(newest[:19], "%Y-%m-%dT%H:%M:%S"))

        def instant() -> str:
            moment = rng.uniform(t0, t1)
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))

        n = args.samples + args.warm
        families = [
            _family(
                client,
                "EQ_bizStep=shipping & GE_eventTime=<random instant>",
                [
                    {"EQ_bizStep": "shipping", "GE_eventTime": instant(), "perPage": 100}
                    for _ in range(n)
                ],
                args.warm,
            ),
            _family(
                client,
                "MATCH_anyEPCClass=<random lot>",
                [{"MATCH_anyEPCClass": rng.choice(lots), "perPage": 100} for _ in range(n)],
                args.warm,
            ),
            _family(
                client,
                "EQ_bizLocation=<random facility>",
                [{"EQ_bizLocation": rng.choice(places), "perPage": 100} for _ in range(n)],
                args.warm,
            ),
        ]
        deep = _deep(client, args.deep_page, args.repeat)
    uptime_after = os.getloadavg()

    lines = [
        f"- graph: {nodes:,} nodes, {relationships:,} relationships; org `{args.org}`"
        + (f"; loaded in {load_s:.0f} s" if load_s else ""),
        f"- load average (1/5/15 min) before: {uptime_before[0]:.1f} / {uptime_before[1]:.1f} / "
        f"{uptime_before[2]:.1f}, after: {uptime_after[0]:.1f} / {uptime_after[1]:.1f} / "
        f"{uptime_after[2]:.1f} (2 CPUs shared with other engineers' servers and tests: "
        "figures taken under contention)",
        f"- requests: HTTP GET over loopback to `trace-engine serve`, sequential, "
        f"{args.warm} warm-up requests per query, then {args.samples} measured",
        "",
        "| first page (perPage 100) | p50 ms | p95 ms | p99 ms | events per page (median / max) |",
        "|---|---:|---:|---:|---:|",
    ]
    for f in families:
        lines.append(
            f"| {f['name']} | **{f['ms']['p50']:.1f}** | {f['ms']['p95']:.1f} | "
            f"{f['ms']['p99']:.1f} | {f['events_median']:.0f} / {f['events_max']} |"
        )
    ratio = deep["deep"]["p50"] / deep["page1"]["p50"]
    lines += [
        "",
        "| one large result (every event, eventTime DESC, perPage 100) | p50 ms | p95 ms "
        "| p99 ms |",
        "|---|---:|---:|---:|",
        f"| page 1 | **{deep['page1']['p50']:.1f}** | {deep['page1']['p95']:.1f} | "
        f"{deep['page1']['p99']:.1f} |",
        f"| page {args.deep_page} (its token reused) | **{deep['deep']['p50']:.1f}** | "
        f"{deep['deep']['p95']:.1f} | {deep['deep']['p99']:.1f} |",
        "",
        f"Page {args.deep_page} / page 1 (p50): **{ratio:.2f}** (target ≤ 1.5); walking pages "
        f"2..{args.deep_page} took {deep['walk_s']:.1f} s. Targets: first page p50 under 50 ms.",
    ]
    if args.note:
        lines += ["", args.note]
    lines.append("")
    print("\n".join(lines))
    if not args.no_write:
        command = " ".join([".venv/bin/python bench/epcis_query.py", *sys.argv[1:]])
        append_results(section_header("EPCIS query interface latency", command) + lines)


if __name__ == "__main__":
    main()

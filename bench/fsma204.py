"""FSMA 204 spreadsheet, completeness and recall impact on a generated graph.

    .venv/bin/python -m bench.fsma204 --events 200000

Generates (or reuses, in bench/data/) the synthetic supply chain of `--events` events, loads
it as one org into an empty graph with `trace-engine load`, adds the ~1,000-event recall of
bench/recall.py (20 stores, 50 events per lot), then times, in process on the real server
(median of `--runs`, after one warm-up):

- the trace (`TraceService`, all events), the spreadsheet (XLSX) and the impact report of
  that ~1,000-event lot;
- the spreadsheet (XLSX) and the completeness report of the generated product with the most
  lots, over the 30 days from its first event.
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from bench.common import ROOT, dataset, wipe
from bench.recall import ROOT_LOT, wide_document
from trace_engine.config import get_settings
from trace_engine.fsma204.repository import Fsma204Repository
from trace_engine.fsma204.scope import Scope
from trace_engine.fsma204.service import Fsma204Service
from trace_engine.graph.driver import make_driver
from trace_engine.identifiers import parse_identifier
from trace_engine.recalls.service import RecallService
from trace_engine.seed.generator import load_truth
from trace_engine.trace.cache import TraceCache
from trace_engine.trace.repository import TraceRepository
from trace_engine.trace.schemas import TraceParams
from trace_engine.trace.service import TraceService

ORG = "bench"


def load(path: Path) -> float:
    """`trace-engine load PATH --org bench`; the seconds it took."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "trace_engine", "load", str(path), "--org", ORG],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started


def timed(runs: int, work: Any) -> dict[str, Any]:
    """Median and max seconds of `runs` calls of `work()` after one warm-up."""
    work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}


def trace_seconds(runs: int) -> dict[str, Any]:
    """The trace of ROOT_LOT with all events, uncached."""
    settings = get_settings()

    async def main() -> list[float]:
        driver = make_driver(settings)
        repository = TraceRepository(lambda: driver, settings.neo4j_database)
        service = TraceService(
            TraceCache(3600, 1000),
            settings.trace_max_events,
            settings.trace_max_depth,
            lineage=repository.lineage,
            visible_orgs=lambda org: frozenset({org}),
        )
        params = TraceParams(all_events=True)
        out = []
        for i in range(runs + 1):
            started = time.perf_counter()
            result = await service.trace(ROOT_LOT, ORG, params, True)
            if i:
                out.append(time.perf_counter() - started)
        events = len(orjson.loads(result.body)[ROOT_LOT]["events"])
        driver.close()
        print({"trace events": events})
        return out

    times = asyncio.run(main())
    return {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    folder, manifest = dataset(args.events, args.seed, 10_000)
    if not args.skip_load:
        wipe()
        print({"loaded generated": args.events, "seconds": round(load(folder), 1)}, flush=True)
        doc = Path(tempfile.mkdtemp(prefix="recall-1k-")) / "recall.jsonld"
        doc.write_bytes(orjson.dumps(wide_document(20, 50)))
        print({"loaded 1k recall": True, "seconds": round(load(doc), 1)}, flush=True)
    truth = load_truth(folder)
    per_product = Counter(
        key for i in truth if (key := parse_identifier(i).product_raw) is not None
    )
    product, lots = per_product.most_common(1)[0]
    settings = get_settings()
    orgs = frozenset({ORG})
    out = Path(tempfile.mkdtemp(prefix="fsma204-bench-"))
    results: dict[str, Any] = {"trace 1k": trace_seconds(args.runs)}
    with make_driver(settings) as driver:
        repo = Fsma204Repository(driver, settings.neo4j_database)
        fsma, recall = Fsma204Service(repo), RecallService(repo)
        lot_scope = Scope(product_id=ROOT_LOT)
        print({"1k lot CTE events": len(fsma.resolve(lot_scope, orgs).keys)})
        results["spreadsheet 1k"] = timed(args.runs, lambda: fsma.spreadsheet(
            fsma.resolve(lot_scope, orgs), out / "lot.xlsx", "xlsx", ORG))  # fmt: skip
        results["impact 1k"] = timed(args.runs, lambda: recall.impact(ROOT_LOT, ORG, orgs))
        first = fsma.resolve(Scope(product=product), orgs).keys[0]["eventTime"]
        since = first
        until_t = time.gmtime(
            calendar.timegm(time.strptime(first[:19], "%Y-%m-%dT%H:%M:%S")) + 30 * 86400
        )
        until = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", until_t)
        window = Scope(product=product, since=since, until=until)
        resolved = fsma.resolve(window, orgs)
        print({"product": product, "lots": lots, "window": [since, until],
               "window CTE events": len(resolved.keys)})  # fmt: skip
        results["spreadsheet 30d"] = timed(args.runs, lambda: fsma.spreadsheet(
            fsma.resolve(window, orgs), out / "window.xlsx", "xlsx", ORG))  # fmt: skip
        results["completeness 30d"] = timed(
            args.runs, lambda: fsma.completeness(fsma.resolve(window, orgs), ORG)
        )
    for name, row in results.items():
        print({name: row}, flush=True)
    print({"generated": manifest.get("events"), "files": str(out)})


if __name__ == "__main__":
    main()

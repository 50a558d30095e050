"""FSMA 204 spreadsheet and recall impact report: demo-sized and wide-recall timings.

    .venv/bin/python -m bench.recall --stores 1000 --events-per-lot 50

Generates a wide recall (one ingredient lot → 10 transformations → `stores` lots, each shipped
to its own store, received and observed there `events-per-lot` − 2 times), bulk-loads it as
one org, then times, in process on the real server: the impact report (JSON) and the
spreadsheet (XLSX and CSV, streamed to a file), each with its peak Python memory
(tracemalloc) and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import calendar
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import orjson

from bench.common import wipe
from trace_engine.config import get_settings
from trace_engine.fsma204.repository import Fsma204Repository
from trace_engine.fsma204.scope import Scope
from trace_engine.fsma204.service import Fsma204Service
from trace_engine.graph.driver import make_driver
from trace_engine.recalls.service import RecallService

ORG = "bench"
ROOT_LOT = "urn:epc:class:lgtin:0860099.010001.WIDE1"


def _t(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(seconds))


def wide_document(stores: int, per_lot: int) -> dict[str, Any]:
    """The wide-recall scenario as one EPCIS 2.0 document."""
    t0 = calendar.timegm((2024, 6, 1, 8, 0, 0, 0, 0, 0))
    farm, plant = "urn:epc:id:sgln:0860099.00001.0", "urn:epc:id:sgln:0860099.00002.0"
    events: list[dict[str, Any]] = []
    n = 0

    def add(**event: Any) -> None:
        nonlocal n
        n += 1
        events.append(
            {"eventID": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
             "eventTimeZoneOffset": "-07:00", **event}
        )  # fmt: skip

    add(type="ObjectEvent", eventTime=_t(t0), action="ADD", bizStep="commissioning",
        quantityList=[{"epcClass": ROOT_LOT, "quantity": 100000, "uom": "KGM"}],
        bizLocation={"id": farm}, readPoint={"id": farm})  # fmt: skip
    groups = 10
    per_group = stores // groups
    for g in range(groups):
        outs = [f"urn:epc:class:lgtin:0860099.020001.L{g * per_group + i:05d}"
                for i in range(per_group)]  # fmt: skip
        add(type="TransformationEvent", eventTime=_t(t0 + 3600 + g), bizStep="commissioning",
            inputQuantityList=[{"epcClass": ROOT_LOT, "quantity": 100000 / groups, "uom": "KGM"}],
            outputQuantityList=[{"epcClass": o, "quantity": 100, "uom": "KGM"} for o in outs],
            bizLocation={"id": plant}, readPoint={"id": plant})  # fmt: skip
    for s in range(stores):
        lot = f"urn:epc:class:lgtin:0860099.020001.L{s:05d}"
        store = f"urn:epc:id:sgln:0860099.{10000 + s:05d}.0"
        q = [{"epcClass": lot, "quantity": 100, "uom": "KGM"}]
        base = t0 + 7200 + s * 60
        asn = [{"type": "desadv", "bizTransaction": f"urn:x:asn:{s}"}]
        add(type="ObjectEvent", eventTime=_t(base), action="OBSERVE", bizStep="shipping",
            quantityList=q, bizLocation={"id": plant}, readPoint={"id": plant},
            sourceList=[{"type": "location", "source": plant}],
            destinationList=[{"type": "location", "destination": store}],
            bizTransactionList=asn)  # fmt: skip
        add(type="ObjectEvent", eventTime=_t(base + 86400), action="OBSERVE",
            bizStep="receiving", quantityList=q, bizLocation={"id": store},
            readPoint={"id": store}, sourceList=[{"type": "location", "source": plant}],
            destinationList=[{"type": "location", "destination": store}],
            bizTransactionList=asn)  # fmt: skip
        for k in range(per_lot - 2):
            add(type="ObjectEvent", eventTime=_t(base + 90000 + k * 600), action="OBSERVE",
                bizStep="retail_selling", quantityList=[{**q[0], "quantity": 1}],
                bizLocation={"id": store}, readPoint={"id": store})  # fmt: skip
    vocab = [{"id": f"urn:epc:id:sgln:0860099.{10000 + s:05d}.0", "attributes": [
        {"id": "urn:epcglobal:cbv:mda:name", "attribute": f"Store {s}"},
        {"id": "urn:trace-engine:mda:facilityType", "attribute": "STORE"}]}
        for s in range(stores)]  # fmt: skip
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": _t(t0),
        "epcisHeader": {"epcisMasterData": {"vocabularyList": [
            {"type": "urn:epcglobal:epcis:vtype:BusinessLocation",
             "vocabularyElementList": vocab}]}},
        "epcisBody": {"eventList": events},
    }  # fmt: skip


def measure(name: str, work: Any) -> dict[str, Any]:
    """Seconds of `work()` (median of three runs after a warm-up), then one more run under
    tracemalloc for its peak Python memory (tracemalloc slows it, so it is not timed)."""
    result = work()
    times = []
    for _ in range(3):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    row = {"what": name, "median_s": round(sorted(times)[1], 2), "max_s": round(max(times), 2),
           "peakMiB": round(peak / 2**20, 1)}  # fmt: skip
    print(row, flush=True)
    return {**row, "result": result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stores", type=int, default=1000)
    parser.add_argument("--events-per-lot", type=int, default=50)
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    settings = get_settings()
    if not args.skip_load:
        wipe()
        folder = Path(tempfile.mkdtemp(prefix="wide-recall-"))
        path = folder / "wide.jsonld"
        path.write_bytes(orjson.dumps(wide_document(args.stores, args.events_per_lot)))
        import subprocess
        import sys

        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "trace_engine", "load", str(path), "--org", ORG],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        print({"loaded": str(path), "seconds": round(time.perf_counter() - started, 1)})
    orgs = frozenset({ORG})
    with make_driver(settings) as driver:
        repo = Fsma204Repository(driver, settings.neo4j_database)
        recall = RecallService(repo)
        fsma = Fsma204Service(repo)
        out = Path(tempfile.mkdtemp(prefix="wide-out-"))
        report = measure("impact", lambda: recall.impact(ROOT_LOT, ORG, orgs))
        print({"summary": report["result"]["summary"]})
        resolved = fsma.resolve(Scope(product_id=ROOT_LOT), orgs)
        print({"events": len(resolved.keys)})
        for fmt in ("xlsx", "csv"):
            target = out / f"wide.{fmt}"
            measure(
                f"spreadsheet {fmt}",
                lambda t=target, f=fmt: fsma.spreadsheet(
                    fsma.resolve(Scope(product_id=ROOT_LOT), orgs), t, f, ORG
                ),
            )
            print({"file": str(target), "bytes": target.stat().st_size})
    print({"maxRssMiB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})


if __name__ == "__main__":
    main()

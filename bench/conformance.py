"""What XML schema validation costs capture: the same XML documents with and without it.

    .venv/bin/python bench/conformance.py --events 20000 --doc-events 5000 --rounds 3

Builds EPCIS 2.0 XML documents from the events of GS1's XML examples (every event type,
sensor data, user extensions; each copy with its own eventID), then, in one run and
alternating the two so machine load hits both alike:

- capture: what a capture job does (`CaptureService.parse` of the body, then the ingestor's
  rollback write to Neo4j, graph wiped before each document set), events/s;
- parse only: `parse_xml` per document, events per CPU second (process time, so the other
  processes of a shared machine do not count);
- streaming: `iter_xml_events` + normalisation of each document (the bulk loader's reader),
  events per CPU second.

"Without" replaces the validation step (`xsd_problems`, used by both readers) by one that
finds nothing, so the two differ by the XSD validation alone. Appends a section
to bench/RESULTS.md. It wipes the graph of TRACE_NEO4J_URI: never point it at a database you
care about.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from neo4j import Driver  # noqa: E402

from bench.common import append_results, section_header, wipe  # noqa: E402
from trace_engine.capture import CaptureService  # noqa: E402
from trace_engine.config import get_settings  # noqa: E402
from trace_engine.epcis import iter_xml_events, normalise_event, parse_xml  # noqa: E402
from trace_engine.epcis import xml as xml_module  # noqa: E402
from trace_engine.epcis.model import EVENT_TYPES, Rejected  # noqa: E402
from trace_engine.graph.driver import make_driver  # noqa: E402
from trace_engine.ingest import ErrorBehaviour  # noqa: E402
from trace_engine.local_neo4j import LocalNeo4j  # noqa: E402

EXAMPLES = ROOT / "tests" / "fixtures" / "gs1-epcis" / "examples" / "XML"
EPCIS2 = "urn:epcglobal:epcis:xsd:2"
PLACEHOLDER = b"00000000-0000-4000-8000-placeholder0"


def _event_pool() -> list[bytes]:
    """GS1's EPCIS 2.0 XML example events, each with an eventID placeholder."""
    pool = []
    for path in sorted(EXAMPLES.rglob("*.xml")):
        if "CaptureJob" in path.parts:
            continue
        root = etree.parse(str(path)).getroot()
        if etree.QName(root).namespace != EPCIS2:
            continue
        for event in root.iter(*EVENT_TYPES):
            if event.find("errorDeclaration") is not None:
                continue  # declarations of events that are not in the set
            for old in event.findall("eventID"):
                event.remove(old)
            new = etree.Element("eventID")
            new.text = "urn:uuid:" + PLACEHOLDER.decode()
            event.find("eventTimeZoneOffset").addnext(new)
            text = etree.tostring(event)
            if b"xsi:type" not in text:  # its QName value needs the document's declarations
                pool.append(text)
    return pool


def documents(total: int, per_document: int) -> list[bytes]:
    """`total` events in documents of `per_document`, each event with a fresh eventID."""
    pool = _event_pool()
    out = []
    for start in range(0, total, per_document):
        events = b"".join(
            pool[n % len(pool)].replace(PLACEHOLDER, str(uuid.uuid4()).encode())
            for n in range(start, min(total, start + per_document))
        )
        out.append(
            b'<?xml version="1.0" encoding="UTF-8"?>\n<epcis:EPCISDocument xmlns:epcis="'
            + EPCIS2.encode()
            + b'" schemaVersion="2.0" creationDate="2024-03-01T00:00:00Z"><EPCISBody><EventList>'
            + events
            + b"</EventList></EPCISBody></epcis:EPCISDocument>"
        )
    return out


@contextmanager
def validation(on: bool) -> Iterator[None]:
    """XSD validation as it is, or replaced by a step that finds nothing."""
    saved = xml_module.xsd_problems
    if not on:
        setattr(xml_module, "xsd_problems", lambda *args, **kwargs: [])  # noqa: B010
    try:
        yield
    finally:
        xml_module.xsd_problems = saved


def _neo4j_process() -> psutil.Process | None:
    """The local Neo4j server's process (its CPU counts in capture's CPU), if it is ours."""
    pid = LocalNeo4j(get_settings(), echo=lambda _: None).status().pid
    return psutil.Process(pid) if pid else None


def _cpu(process: psutil.Process | None) -> float:
    if process is None:
        return 0.0
    times = process.cpu_times()
    return float(times.user + times.system)


CAPTURE_CPU: list[tuple[bool, float]] = []  # (validated, events per CPU s), filled by capture
PARSE_CPU: list[tuple[bool, float]] = []  # (validated, µs of CPU per event in service.parse)


def capture(driver: Driver, docs: list[bytes], validated: bool) -> float:
    """Events/s of parse + rollback write of every document into an empty graph.

    Also records events per CPU second of this process and the Neo4j server together: the
    machine's other load slows the wall clock of both variants unevenly, not their CPU.
    """
    wipe()
    # a new service each run: the ingestor remembers the nodes it wrote, which the wipe removed
    service = CaptureService(driver, get_settings())
    server = _neo4j_process()
    events = 0
    parsing = 0.0
    started, cpu = time.perf_counter(), time.process_time() + _cpu(server)
    for body in docs:
        before = time.process_time()
        document = service.parse(body, "application/xml")
        parsing += time.process_time() - before
        service.check_rollback(document, ErrorBehaviour.ROLLBACK)
        outcome = service.ingestor.capture(document, "bench", ErrorBehaviour.ROLLBACK)
        events += outcome.accepted
    wall = time.perf_counter() - started
    PARSE_CPU.append((validated, parsing / max(events, 1) * 1e6))
    if server is not None:
        CAPTURE_CPU.append((validated, events / (time.process_time() + _cpu(server) - cpu)))
    return events / wall


def parse_only(docs: list[bytes]) -> float:
    """Events per CPU second (process time: other processes on the machine do not count)."""
    started = time.process_time()
    events = sum(len(parse_xml(body).items) for body in docs)
    return events / (time.process_time() - started)


def streaming(docs: list[bytes]) -> float:
    """Events per CPU second of the bulk loader's reader."""
    started = time.process_time()
    events = 0
    for body in docs:
        namespaces: dict[str, str] = {}
        for index, item in iter_xml_events(io.BytesIO(body), namespaces):
            if not isinstance(item, Rejected):
                normalise_event(index, item, [namespaces])
            events += 1
    return events / (time.process_time() - started)


def alternate(rounds: int, run: Callable[[bool], float]) -> tuple[list[float], list[float]]:
    """`run(validated)` with and without validation, alternating, `rounds` times each."""
    with_xsd, without = [], []
    for _ in range(rounds):
        with validation(True):
            with_xsd.append(run(True))
        with validation(False):
            without.append(run(False))
    return with_xsd, without


def _row(name: str, with_xsd: list[float], without: list[float]) -> str:
    a, b = statistics.median(with_xsd), statistics.median(without)
    if "lower is better" in name:  # a cost per event: the cost is how much it grew
        best_a, best_b = min(with_xsd), min(without)
        cost, best_cost = (a - b) / b, (best_a - best_b) / best_b
    else:
        best_a, best_b = max(with_xsd), max(without)
        cost, best_cost = (b - a) / b, (best_b - best_a) / best_b
    runs = ", ".join(f"{x:,.0f}/{y:,.0f}" for x, y in zip(with_xsd, without, strict=True))
    return f"| {name} | {b:,.0f} | **{a:,.0f}** | {cost:+.1%} | {best_cost:+.1%} | {runs} |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--doc-events", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--note", default="", help="a line added to the RESULTS.md section")
    parser.add_argument("--no-record", action="store_true", help="do not append RESULTS.md")
    args = parser.parse_args(argv)

    docs = documents(args.events, args.doc_events)
    size = sum(map(len, docs))
    check = [item for body in docs for item in parse_xml(body).items if isinstance(item, Rejected)]
    if check:
        raise SystemExit(f"the generated documents are not valid: {check[:3]}")
    load_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"{args.events:,} events in {len(docs)} documents, {size / 1e6:.1f} MB", flush=True)

    results: dict[str, tuple[list[float], list[float]]] = {}
    print("warming up (schemas compiled, Neo4j's query plans cached; not measured) …", flush=True)
    parse_only(docs[:1])
    with make_driver(get_settings()) as driver:
        capture(driver, docs[:1], True)
    CAPTURE_CPU.clear()
    PARSE_CPU.clear()
    print("parse only …", flush=True)
    results["parse only (`parse_xml`, events per CPU s)"] = alternate(
        args.rounds, lambda _: parse_only(docs)
    )
    print("streaming …", flush=True)
    results["streaming (`iter_xml_events` + normalise, events per CPU s)"] = alternate(
        args.rounds, lambda _: streaming(docs)
    )
    settings = get_settings()
    with make_driver(settings) as driver:
        print("capture …", flush=True)
        results["capture (parse + rollback write to Neo4j, events per wall s)"] = alternate(
            args.rounds, lambda validated: capture(driver, docs, validated)
        )
    results["capture: CPU of its parse step, µs per event (lower is better)"] = (
        [value for validated, value in PARSE_CPU if validated],
        [value for validated, value in PARSE_CPU if not validated],
    )
    if CAPTURE_CPU:
        results["capture, events per CPU s of this process + the Neo4j server"] = (
            [rate for validated, rate in CAPTURE_CPU if validated],
            [rate for validated, rate in CAPTURE_CPU if not validated],
        )
    wipe()
    load_after = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()

    lines = section_header(
        f"XML capture with and without XSD validation, {args.events:,} events",
        "python bench/conformance.py " + " ".join(argv if argv is not None else sys.argv[1:]),
    )
    lines[3:3] = [
        f"- data: {args.events:,} events of GS1's 2.0 XML examples (all five types, sensor "
        f"data, extensions), {len(docs)} documents of ≤{args.doc_events:,} events, "
        f"{size / 1e6:.1f} MB",
        f"- load: before `{load_before}`; after `{load_after}` (shared machine, other "
        "helpers' tests running: figures taken under contention)",
    ]
    if args.note:
        lines.insert(5, f"- note: {args.note}")
    lines += [
        "| path | without XSD (events/s) | with XSD (events/s) | cost (medians) | cost (best runs) "
        "| runs with/without |",
        "|---|---:|---:|---:|---:|---|",
        *(_row(name, *pair) for name, pair in results.items()),
        "",
        "Medians of the alternating runs; cost = (without - with) / without, of the medians and "
        "of each variant's best run (the least disturbed by the machine's other load).",
    ]
    print("\n".join(lines))
    if not args.no_record:
        append_results(lines)


if __name__ == "__main__":
    main()

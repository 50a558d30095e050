"""`trace-engine load` and `trace-engine seed …` against the real server: crash and re-run,
streaming of JSON and XML, rejected events, unreadable files, the worked examples."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from neo4j import Driver

from trace_engine.bulk import Format, load_file
from trace_engine.config import Settings
from trace_engine.epcis import parse_xml
from trace_engine.graph.maintenance import wipe as wipe_graph
from trace_engine.ingest import CaptureOutcome, ErrorBehaviour, Ingestor
from trace_engine.seed.generator import generate

Counts = Callable[[], tuple[int, int]]
ORG = "bulk-test"
MANGO_LOT = "urn:ibm:ift:product:lot:class:999999999999.sliced-mango.lot-2"
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]


def cli_env(settings: Settings) -> dict[str, str]:
    """The environment that points the `trace-engine` command at the suite's Neo4j."""
    return {
        **os.environ,
        "TRACE_NEO4J_URI": settings.neo4j_uri,
        "TRACE_NEO4J_USER": settings.neo4j_user,
        "TRACE_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "TRACE_NEO4J_DATABASE": settings.neo4j_database,
        "COLUMNS": "200",
    }


def cli(*args: str) -> list[str]:
    """The `trace-engine` command line, run with this interpreter."""
    return [sys.executable, "-m", "trace_engine", *args]


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli(*args), env=cli_env(settings), capture_output=True, text=True, timeout=600
    )


def event_count(driver: Driver, settings: Settings) -> int:
    records, _, _ = driver.execute_query(
        "MATCH (e:Event) RETURN count(e) AS n", database_=settings.neo4j_database
    )
    return int(records[0]["n"])


def wipe(driver: Driver, settings: Settings) -> None:
    wipe_graph(driver, settings.neo4j_database)


def totals(report: Path) -> dict[str, int]:
    files = orjson.loads(report.read_bytes())["files"]
    return {k: sum(f[k] for f in files) for k in ("events", "accepted", "duplicates", "rejected")}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    generate(3000, 11, out, events_per_file=1000)
    return out


def test_a_killed_load_run_again_stores_what_one_clean_run_stores(
    generated: Path, tmp_path: Path, driver: Driver, settings: Settings, counts: Counts
) -> None:
    clean = run_cli(
        settings, "load", str(generated), "--org", ORG, "--report", str(tmp_path / "clean.json")
    )
    assert clean.returncode == 0, clean.stderr
    clean_counts = counts()
    assert event_count(driver, settings) == 3000
    wipe(driver, settings)
    assert counts() == (0, 0)

    loader = subprocess.Popen(
        cli("load", str(generated), "--org", ORG, "--batch-size", "50"),
        env=cli_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while event_count(driver, settings) == 0:
            assert loader.poll() is None, "the loader ended before its first batch committed"
            assert time.monotonic() < deadline, "no batch committed in 2 minutes"
            time.sleep(0.01)
        loader.send_signal(signal.SIGKILL)
    finally:
        loader.wait(timeout=60)
    assert loader.returncode == -signal.SIGKILL
    stored_before_crash = event_count(driver, settings)
    assert 0 < stored_before_crash < 3000

    report = tmp_path / "rerun.json"
    rerun = run_cli(settings, "load", str(generated), "--org", ORG, "--report", str(report))
    assert rerun.returncode == 0, rerun.stderr
    second = totals(report)
    assert second["events"] == 3000
    assert second["rejected"] == 0
    assert second["accepted"] + second["duplicates"] == 3000
    assert second["duplicates"] == stored_before_crash
    assert counts() == clean_counts
    assert "total" in rerun.stdout and "3,000" in rerun.stdout


def _xml_document(events: int) -> bytes:
    """An EPCIS 2.0 XML document with master data, a user extension and `events` events."""
    head = b"""<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"
    xmlns:ex="https://example.com/epcis-ext" schemaVersion="2.0"
    creationDate="2024-03-01T00:00:00Z">
  <EPCISHeader>
   <extension>
    <EPCISMasterData>
      <VocabularyList>
        <Vocabulary type="urn:epcglobal:epcis:vtype:BusinessLocation">
          <VocabularyElementList>
            <VocabularyElement id="urn:epc:id:sgln:0614141.00777.0">
              <attribute id="urn:epcglobal:cbv:mda:name">Streaming DC</attribute>
              <attribute id="urn:epcglobal:cbv:mda:city">Tracy</attribute>
            </VocabularyElement>
          </VocabularyElementList>
        </Vocabulary>
      </VocabularyList>
    </EPCISMasterData>
   </extension>
  </EPCISHeader>
  <EPCISBody>
    <EventList>
"""
    body = b"".join(
        f"""      <ObjectEvent>
        <eventTime>2024-03-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}.000Z</eventTime>
        <eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
        <eventID>urn:uuid:00000000-0000-4000-8000-{n:012d}</eventID>
        <epcList><epc>urn:epc:id:sgtin:0614141.107346.{n}</epc></epcList>
        <action>OBSERVE</action>
        <bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>
        <bizLocation><id>urn:epc:id:sgln:0614141.00777.0</id></bizLocation>
        <ex:temperature>{n % 7}</ex:temperature>
      </ObjectEvent>
""".encode()
        for n in range(events)
    )
    return head + body + b"    </EventList>\n  </EPCISBody>\n</epcis:EPCISDocument>\n"


class _Watch:
    """Records, at the first committed batch, how much of the file had been read."""

    def __init__(self, driver: Driver, settings: Settings) -> None:
        self.driver, self.settings = driver, settings
        self.read = 0
        self.at_first_batch: tuple[int, int] | None = None

    def on_bytes(self, n: int) -> None:
        self.read += n

    def on_batch(self, outcome: CaptureOutcome) -> None:
        if self.at_first_batch is None:
            self.at_first_batch = (self.read, event_count(self.driver, self.settings))


@pytest.mark.parametrize("fmt", [Format.XML, Format.JSON])
def test_a_file_streams_batches_commit_before_it_is_read(
    fmt: Format, tmp_path: Path, driver: Driver, settings: Settings
) -> None:
    if fmt is Format.XML:
        path = tmp_path / "events.xml"
        path.write_bytes(_xml_document(3000))
    else:
        generate(3000, 5, tmp_path, events_per_file=3000)
        path = tmp_path / "events-00000.jsonld"
    watch = _Watch(driver, settings)
    report = load_file(
        Ingestor(driver, settings.neo4j_database, batch_size=100),
        path,
        ORG,
        on_bytes=watch.on_bytes,
        on_batch=watch.on_batch,
    )
    assert report.error is None
    size = path.stat().st_size
    assert watch.read == size
    assert watch.at_first_batch is not None
    read_then, stored_then = watch.at_first_batch
    assert stored_then == 100  # the first batch was committed …
    assert read_then < size / 4  # … while most of the file was still unread
    assert report.accepted == report.total == 3000


def test_streamed_xml_stores_what_a_whole_document_capture_stores(
    tmp_path: Path, driver: Driver, settings: Settings, counts: Counts
) -> None:
    body = _xml_document(250)
    path = tmp_path / "events.xml"
    path.write_bytes(body)
    ingestor = Ingestor(driver, settings.neo4j_database, batch_size=40)
    report = load_file(ingestor, path, ORG)
    assert (report.total, report.accepted, report.error) == (250, 250, None)
    streamed = counts()
    records, _, _ = driver.execute_query(
        "MATCH (f:Facility {id: '414/0614141007776'})<-[:DESCRIBES]-(d:FacilityData) "
        "RETURN d.org AS org, d.name AS name, d.city AS city",
        database_=settings.neo4j_database,
    )
    # master data is the loading org's statement about the facility
    assert [(r["org"], r["name"], r["city"]) for r in records] == [(ORG, "Streaming DC", "Tracy")]
    raw = _raw(driver, settings, "urn:uuid:00000000-0000-4000-8000-000000000005")
    assert raw["ex:temperature"] == "5"  # user extensions in XML are text

    wipe(driver, settings)
    outcome = ingestor.capture(parse_xml(body), ORG, ErrorBehaviour.ROLLBACK)
    assert outcome.accepted == 250
    assert counts() == streamed
    assert _raw(driver, settings, "urn:uuid:00000000-0000-4000-8000-000000000005") == raw


def _raw(driver: Driver, settings: Settings, event_id: str) -> dict[str, Any]:
    records, _, _ = driver.execute_query(
        "MATCH (e:Event {eventID: $id}) RETURN e.raw AS raw",
        id=event_id,
        database_=settings.neo4j_database,
    )
    raw: dict[str, Any] = orjson.loads(records[0]["raw"])
    return raw


def _event(n: int, **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:00000000-0000-4000-9000-{n:012d}",
        "eventTime": "2024-03-01T10:00:00.000+01:00",
        "eventTimeZoneOffset": "+01:00",
        "action": "OBSERVE",
        "epcList": [f"urn:epc:id:sgtin:0614141.107346.{n}"],
    }
    event.update(changes)
    return event


def test_rejected_events_are_listed_and_the_rest_stored(
    tmp_path: Path, driver: Driver, settings: Settings
) -> None:
    events = [_event(n) for n in range(30)]
    for n in range(5, 30):
        del events[n]["eventTime"]
    events.append(_event(0))  # repeated in the document
    path = tmp_path / "mixed.jsonld"
    path.write_bytes(
        orjson.dumps(
            {"@context": CONTEXT, "type": "EPCISDocument", "epcisBody": {"eventList": events}}
        )
    )
    report = tmp_path / "report.json"
    result = run_cli(settings, "load", str(path), "--batch-size", "7", "--report", str(report))
    assert result.returncode == 0, result.stderr
    assert event_count(driver, settings) == 5
    assert totals(report) == {"events": 31, "accepted": 5, "duplicates": 1, "rejected": 25}
    listed = orjson.loads(report.read_bytes())["files"][0]["rejectedEvents"]
    assert [r["index"] for r in listed] == list(range(5, 30))
    assert listed[0] == {
        "index": 5,
        "eventID": "urn:uuid:00000000-0000-4000-9000-000000000005",
        "status": "rejected",
        "field": "eventTime",
        "reason": "is required",
    }
    out = result.stdout
    assert "urn:uuid:00000000-0000-4000-9000-000000000024" in out  # the 20th is listed
    assert "urn:uuid:00000000-0000-4000-9000-000000000025" not in out  # the 21st is not
    assert "and 5 more rejected events" in out


def test_unreadable_files_exit_non_zero_and_the_others_still_load(
    tmp_path: Path, driver: Driver, settings: Settings
) -> None:
    good = tmp_path / "good.jsonld"
    good.write_bytes(
        orjson.dumps(
            {
                "@context": CONTEXT,
                "type": "EPCISDocument",
                "epcisBody": {"eventList": [_event(1), _event(2)]},
            }
        )
    )
    # breaks off after its first event: that one is stored, the file is reported unreadable
    broken = tmp_path / "broken.jsonld"
    broken.write_bytes(
        b'{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],'
        b'"epcisHeader":{},"type":"EPCISDocument","epcisBody":{"eventList":['
        + orjson.dumps(_event(3))
        + b',{"type": "ObjectEvent", "eventTime": '
    )
    missing = tmp_path / "missing.jsonld"
    report = tmp_path / "report.json"
    result = run_cli(
        settings, "load", str(good), str(broken), str(missing), "--report", str(report)
    )
    assert result.returncode == 1
    files = {Path(f["path"]).name: f for f in orjson.loads(report.read_bytes())["files"]}
    assert files["good.jsonld"]["accepted"] == 2 and files["good.jsonld"]["error"] is None
    assert files["broken.jsonld"]["accepted"] == 1
    assert "not valid JSON" in files["broken.jsonld"]["error"]
    assert files["missing.jsonld"]["error"]
    assert event_count(driver, settings) == 3
    assert "missing.jsonld" in result.stderr and "broken.jsonld" in result.stderr


def _rows(driver: Driver, settings: Settings, cypher: str) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(cypher, database_=settings.neo4j_database)
    return [r.data() for r in records]


def test_seed_load_mango_loads_events_and_payloads_once(
    driver: Driver, settings: Settings, counts: Counts
) -> None:
    first = run_cli(settings, "seed", "load", "mango", "--org", "mango-org")
    assert first.returncode == 0, first.stderr
    rows = _rows(
        driver,
        settings,
        "MATCH (e:Event) RETURN count(e) AS events, collect(DISTINCT e.owner) AS owners",
    )
    assert rows == [{"events": 4, "owners": ["mango-org"]}]
    rows = _rows(
        driver,
        settings,
        "MATCH (i:ProductInstance)-[:HAS_PAYLOAD]->(p:Payload) RETURN i.id AS i, p.id AS p",
    )
    assert rows == [{"i": MANGO_LOT, "p": "urn:uuid:eed87696-40cc-4839-a609-24d8f0429d08"}]
    once = counts()
    second = run_cli(settings, "seed", "load", "mango", "--org", "mango-org")
    assert second.returncode == 0, second.stderr
    assert counts() == once


def test_seed_load_recall_demo_uses_the_default_org(driver: Driver, settings: Settings) -> None:
    result = run_cli(settings, "seed", "load", "recall-demo")
    assert result.returncode == 0, result.stderr
    rows = _rows(
        driver, settings, "MATCH (e:Event) RETURN count(e) AS n, collect(DISTINCT e.owner) AS o"
    )
    assert rows == [{"n": 64, "o": [settings.default_org]}]
    assert "64" in result.stdout


def test_seed_generate_writes_what_it_says(tmp_path: Path, settings: Settings) -> None:
    out = tmp_path / "gen"
    result = run_cli(
        settings,
        "seed",
        "generate",
        "--events",
        "500",
        "--seed",
        "3",
        "--out",
        str(out),
        "--events-per-file",
        "200",
        "--depth",
        "2",
    )
    assert result.returncode == 0, result.stderr
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert manifest["events"] == 500 and len(manifest["files"]) == 3
    assert manifest["parameters"]["depth"] == 2
    assert "Wrote 500 events in 3 files" in result.stdout

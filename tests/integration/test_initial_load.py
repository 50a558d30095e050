"""`trace-engine load --initial` against the online loader, on a Neo4j server of its own.

One throw-away server (own home, free ports; the jars of the suite's server) takes the online
load first; its whole graph and the trace of every lot are kept. Then `--initial` is killed in
its parse phase and in its import phase (the graph must still be the online one, whole), and
run to the end with --replace: the graph it builds must equal the online one node for
node and relationship for relationship, the enterprise listings (farms, batches, shipments)
must answer the same rows and totals for every status, and the traces of 150 random lots must
be byte-identical. Last, into the database emptied, where the server is stopped during the parse
(it has nothing to serve): the same graph again.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from epcis_documents import epcis_document
from neo4j import Driver
from servers import free_port
from test_master_data_limits import master_document
from test_write_failures import COPIES_STORED, copies

from trace_engine.bulk import expand_paths, load_files
from trace_engine.config import Settings
from trace_engine.enterprise.repository import STATUSES
from trace_engine.enterprise.service import EnterpriseService
from trace_engine.graph.driver import make_driver
from trace_engine.graph.maintenance import wipe
from trace_engine.graph.schema import apply_schema
from trace_engine.identifiers import parse_identifier
from trace_engine.ingest import Ingestor
from trace_engine.initial.store import MARKER, STAGING
from trace_engine.kit.bounds import MAX_ORG_LENGTH
from trace_engine.local_neo4j import LocalNeo4j
from trace_engine.seed.generator import generate, load_truth
from trace_engine.trace.cache import TraceCache
from trace_engine.trace.repository import fetch_lineage
from trace_engine.trace.schemas import TraceParams
from trace_engine.trace.service import TraceService

ORG = "initial-org"
LOTS = 150  # lots whose traces are compared (random, of the 1,500 events' ~700)
PASSWORD = "initial-load-test"
# properties that say when a load ran, not what it loaded (the capture's record time, and
# the enterprise listings' creation times and the listing orders built from them)
WHEN_LOADED = {
    "Event": {"recordTime"},
    "FarmProfile": {"createdAt", "updatedAt", "rank", "statusRank"},
    "Batch": {"createdAt", "rank", "statusRank"},
    "Shipment": {"createdAt", "rank", "statusRank"},
    "Migration": {"at", "lastRunAt"},
}


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Iterator[Settings]:
    """Settings of a server of this module's own (the suite's graph is never touched)."""
    home = tmp_path_factory.mktemp("initial") / "neo4j"
    home.mkdir()
    suite_lib = Settings().neo4j_home.resolve() / "lib"
    if (suite_lib / ".complete").exists():
        (home / "lib").symlink_to(suite_lib)  # no second download of the jars
    bolt, http = free_port(), free_port()
    mine = Settings(
        environment="test",
        neo4j_home=home,
        neo4j_uri=f"bolt://127.0.0.1:{bolt}",
        neo4j_bolt_port=bolt,
        neo4j_http_port=http,
        neo4j_password=PASSWORD,
        neo4j_heap="512m",
        neo4j_pagecache="128m",
        initial_import_memory="512m",
    )
    server = LocalNeo4j(mine, echo=lambda _: None)
    server.start()
    try:
        yield mine
    finally:
        server.stop()


def _env(own: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "TRACE_ENVIRONMENT": "test",
        "TRACE_NEO4J_HOME": str(own.neo4j_home),
        "TRACE_NEO4J_URI": own.neo4j_uri,
        "TRACE_NEO4J_BOLT_PORT": str(own.neo4j_bolt_port),
        "TRACE_NEO4J_HTTP_PORT": str(own.neo4j_http_port),
        "TRACE_NEO4J_PASSWORD": PASSWORD,
        "TRACE_NEO4J_HEAP": own.neo4j_heap,
        "TRACE_NEO4J_PAGECACHE": own.neo4j_pagecache,
        "TRACE_INITIAL_IMPORT_MEMORY": own.initial_import_memory,
    }


def _dataset(folder: Path) -> list[Path]:
    """A generated supply chain plus a file of what real histories hold: an event sent twice
    (in another file), an error declaration of a stored event, and an invalid event."""
    generate(1500, 5, folder / "chain", events_per_file=500)
    first = orjson.loads((folder / "chain" / "events-00000.jsonld").read_bytes())
    events = first["epcisBody"]["eventList"]
    declared = {
        **events[1],
        "errorDeclaration": {
            "declarationTime": "2024-06-01T00:00:00.000Z",
            "reason": "urn:epcglobal:cbv:er:incorrect_data",
        },
    }
    broken = {k: v for k, v in events[2].items() if k != "eventTime"}
    broken["eventID"] = "urn:uuid:00000000-0000-4000-8000-00000000beef"
    extra = {**first, "epcisBody": {"eventList": [events[0], declared, broken]}}
    extra["epcisHeader"] = {}
    (folder / "zz-extra.jsonld").write_bytes(orjson.dumps(extra))
    return [folder / "chain", folder / "zz-extra.jsonld"]


def _identity(labels: list[str], props: dict[str, Any]) -> tuple[Any, ...]:
    ident = props.get("key") or props.get("eventID") or props.get("id")
    return (labels[0], ident, props.get("org"), props.get("owner"))


def _clean(labels: list[str], props: dict[str, Any]) -> dict[str, Any]:
    drop = WHEN_LOADED.get(labels[0], set())
    return {k: v for k, v in props.items() if k not in drop}


def _graph(driver: Driver, database: str) -> tuple[Counter[Any], Counter[Any]]:
    """Every node and relationship with its properties, by identity (not element id)."""
    nodes: Counter[Any] = Counter()
    for record in driver.execute_query(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props",
        database_=database,
    ).records:
        labels, props = sorted(record["labels"]), record["props"]
        nodes[
            (
                _identity(labels, props),
                orjson.dumps(_clean(labels, props), option=orjson.OPT_SORT_KEYS),
            )
        ] += 1
    rels: Counter[Any] = Counter()
    for record in driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN labels(a) AS la, properties(a) AS pa, type(r) AS type, "
        "properties(r) AS pr, labels(b) AS lb, properties(b) AS pb",
        database_=database,
    ).records:
        start = _identity(sorted(record["la"]), record["pa"])
        end = _identity(sorted(record["lb"]), record["pb"])
        props = orjson.dumps(record["pr"], option=orjson.OPT_SORT_KEYS)
        rels[(start, record["type"], end, props)] += 1
    return nodes, rels


def _listings(driver: Driver, database: str) -> dict[Any, Any]:
    """Every row the farms, batches and shipments listings answer (readiness included) and
    their totals, for every status filter. Rows as sets without their creation time: the online
    path stamps each batch of writes, and the listings' order follows that stamp."""
    service = EnterpriseService(driver, database)
    pages = {
        "farms": service.list_farms,
        "batches": service.list_batches,
        "shipments": service.list_shipments,
    }
    answers: dict[Any, Any] = {}
    for listing, page in pages.items():
        for status in (None, *STATUSES[listing]):
            answer = page(ORG, status, 100_000, 0)
            rows = [r.model_dump(mode="json", exclude={"created_at"}) for r in answer.data]
            assert answer.meta.total == len(rows)
            answers[listing, status] = (
                answer.meta.total,
                sorted(orjson.dumps(r, option=orjson.OPT_SORT_KEYS) for r in rows),
            )
    return answers


async def _traces(driver: Driver, database: str, lots: list[str]) -> dict[str, bytes]:
    """The trace API's response body for each lot (both directions, every event)."""
    service = TraceService(TraceCache(60, 10), max_events=100_000)
    bodies = {}
    with driver.session(database=database) as session:

        async def fetch(key: str) -> dict[str, Any] | None:
            return session.execute_read(fetch_lineage, key)

        async def visible() -> frozenset[str]:
            return frozenset({ORG})

        for lot in lots:
            result = await service.trace_with(
                fetch, visible, lot, ORG, TraceParams(direction="both", all_events=True)
            )
            bodies[lot] = result.body
    return bodies


@pytest.fixture(scope="module")
def online(own: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The dataset loaded by the online loader: its reports, graph and traces."""
    import asyncio

    folder = tmp_path_factory.mktemp("history")
    paths = _dataset(folder)
    with make_driver(own) as driver:
        apply_schema(driver, own.neo4j_database)
        ingestor = Ingestor(driver, own.neo4j_database, batch_size=400)
        reports = load_files(ingestor, expand_paths(paths), ORG)
        lots = random.Random(5).sample(sorted(load_truth(folder / "chain")), LOTS)
        yield {
            "paths": paths,
            "reports": [(r.total, r.accepted, r.duplicates, len(r.rejected)) for r in reports],
            "graph": _graph(driver, own.neo4j_database),
            "listings": _listings(driver, own.neo4j_database),
            "lots": lots,
            "traces": asyncio.run(_traces(driver, own.neo4j_database, lots)),
        }


def _initial(
    own: Settings, paths: list[Path], *extra: str, org: str = ORG
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "trace_engine",
            "load",
            "--initial",
            "--org",
            org,
            "--replace",
            "--yes",
            "--jobs",
            "2",
            *extra,
            *map(str, paths),
        ],
        env=_env(own),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its workers and the importer share its process group
    )


def _kill_when(process: subprocess.Popen[bytes], reached: Any, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not reached():
        assert process.poll() is None, process.stdout.read().decode()  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the phase was never reached"
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _still_online(own: Settings, online: dict[str, Any]) -> None:
    with make_driver(own) as driver:
        assert _graph(driver, own.neo4j_database) == online["graph"]
    assert not (own.neo4j_home / "data" / MARKER).exists()


def test_killed_in_parse_phase_leaves_the_graph_as_it_was(
    own: Settings, online: dict[str, Any], tmp_path: Path
) -> None:
    work = tmp_path / "work"
    process = _initial(own, online["paths"], "--work-dir", str(work))
    _kill_when(process, lambda: any(work.glob("*.csv")) and not (work / "finish.json").exists())
    _still_online(own, online)


def test_killed_in_import_phase_leaves_the_graph_as_it_was(
    own: Settings, online: dict[str, Any], tmp_path: Path
) -> None:
    staged = own.neo4j_home / STAGING / "databases"
    process = _initial(own, online["paths"], "--work-dir", str(tmp_path / "work"))
    _kill_when(process, lambda: any(staged.glob("*")) if staged.exists() else False)
    _still_online(own, online)


async def test_initial_load_builds_the_graph_the_online_loader_builds(
    own: Settings, online: dict[str, Any], tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    process = _initial(own, online["paths"], "--report", str(report))
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output.decode()
    files = orjson.loads(report.read_bytes())["files"]
    counts = [(f["events"], f["accepted"], f["duplicates"], f["rejected"]) for f in files]
    assert counts == online["reports"]
    assert counts[-1] == (3, 1, 1, 1)  # the declaration, the repeat, the invalid event

    with make_driver(own) as driver:
        nodes, rels = _graph(driver, own.neo4j_database)
        want_nodes, want_rels = online["graph"]
        assert Counter(k[0][0] for k in nodes.elements()) == Counter(
            k[0][0] for k in want_nodes.elements()
        )
        assert Counter(k[1] for k in rels.elements()) == Counter(k[1] for k in want_rels.elements())
        assert nodes == want_nodes
        assert rels == want_rels
        listings = _listings(driver, own.neo4j_database)
        traces = await _traces(driver, own.neo4j_database, online["lots"])
    assert all(listings[name, None][0] for name in ("farms", "batches", "shipments"))
    assert listings == online["listings"]
    assert len(traces) == LOTS
    assert traces == online["traces"]


def test_initial_load_into_an_empty_database_stops_the_server_during_the_parse(
    own: Settings, online: dict[str, Any], tmp_path: Path
) -> None:
    with make_driver(own) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n", database_=own.neo4j_database)
    process = _initial(own, online["paths"])
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output.decode()
    assert b"Neo4j was stopped during the parse" in output
    with make_driver(own) as driver:
        assert _graph(driver, own.neo4j_database) == online["graph"]


# An org at its bound (200 characters, kit/bounds) leaves an eventID or a lot at theirs (2,048
# characters of a URI) room in the composite keys (eventID, owner) and (LotData id, org): they
# are stored. bizStep and disposition are any URI, of any length: those overflow.
LONG_ORG = "org-" + "o" * (MAX_ORG_LENGTH - 4)
LONG_LOT = "urn:x:lot:" + "l" * 2000


def _oversize_document(path: Path) -> None:
    """Valid events and events holding a value no index of the schema takes."""

    def event(n: int, **changes: Any) -> dict[str, Any]:
        return {
            "type": "ObjectEvent",
            "eventID": f"urn:uuid:00000000-0000-4000-a000-{n:012d}",
            "eventTime": f"2024-03-01T10:{n:02d}:00.000+01:00",
            "eventTimeZoneOffset": "+01:00",
            "action": "OBSERVE",
            "bizStep": "shipping",
            "epcList": [f"urn:epc:id:sgtin:0614141.107346.{n}"],
            "bizLocation": {"id": "urn:epc:id:sgln:0614141.00777.0"},
            **changes,
        }

    events = [
        event(0),
        event(
            1,
            bizStep="https://example.com/bizstep/" + "x" * 10_000,  # its lot and place
            bizLocation={"id": "urn:epc:id:sgln:0614141.00999.0"},
        ),  # are its alone
        event(2, eventID="urn:x:" + "e" * 2000),
        event(
            3,
            action="ADD",
            bizStep="commissioning",
            epcList=[LONG_LOT],
            ilmd={"cbvmda:sellByDate": "2024-09-01"},
        ),
        event(4, epcList=[LONG_LOT]),  # the same lot without lot data: stored
        event(5, disposition="https://example.com/disposition/" + "y" * 9_000),
        event(6),
    ]
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-03-01T00:00:00Z",
        "epcisBody": {"eventList": events},
    }
    path.write_bytes(orjson.dumps(document))


def test_values_no_index_takes_are_refused_as_the_online_loader_refuses_them(
    own: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "oversize.jsonld"
    _oversize_document(path)
    with make_driver(own) as driver:
        wipe(driver, own.neo4j_database)
        apply_schema(driver, own.neo4j_database)
        ingestor = Ingestor(driver, own.neo4j_database, batch_size=400)
        [online] = load_files(ingestor, [path], LONG_ORG)
        want = _graph(driver, own.neo4j_database)
    refused = [(r.index, r.field, r.reason) for r in online.rejected]
    assert [(index, name) for index, name, _ in refused] == [(1, "bizStep"), (5, "disposition")]
    assert "event_biz_step" in str(refused[0][2]) and "event_disposition" in str(refused[1][2])

    report = tmp_path / "report.json"
    process = _initial(own, [path], "--report", str(report), org=LONG_ORG)
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output.decode()
    [initial] = orjson.loads(report.read_bytes())["files"]
    assert initial["rejectedEvents"] == [r.as_dict() for r in online.rejected]
    assert (initial["events"], initial["accepted"], initial["rejected"]) == (7, 5, 2)
    with make_driver(own) as driver:
        nodes, rels = _graph(driver, own.neo4j_database)
    assert nodes == want[0] and rels == want[1]
    labels = Counter(label for ((label, *_), _) in nodes.elements())
    # events 0, 2, 3, 4 and 6 with their lots (3 and 4: the long one) and place, nothing of
    # the others
    assert (labels["Event"], labels["ProductInstance"], labels["Facility"]) == (5, 4, 1)
    assert labels["LotData"] == 1 and any(ident == LONG_LOT for (_, ident, *_), _ in nodes)


FARM = "urn:epc:id:sgln:0614141.00001.0"
AGENTS = ("urn:epc:id:pgln:0614141.00002", "urn:epc:id:pgln:0614141.00003")


def _farm_document(path: Path) -> None:
    """Two lots collected at a farm, each by two source parties of one type (in the two
    orders), then seen elsewhere: their batches move from `collecting` to `completed`."""

    def event(n: int, lot: str, **changes: Any) -> dict[str, Any]:
        return {
            "type": "ObjectEvent",
            "eventID": f"urn:uuid:00000000-0000-4000-b000-{n:012d}",
            "eventTime": f"2024-03-0{n}T08:00:00.000Z",
            "eventTimeZoneOffset": "+00:00",
            "action": "ADD",
            "bizStep": "commissioning",
            "epcList": [lot],
            "bizLocation": {"id": FARM},
            **changes,
        }

    lots = ("urn:epc:id:sgtin:0614141.107346.1", "urn:epc:id:sgtin:0614141.107346.2")
    sources = [{"type": "owning_party", "source": agent} for agent in AGENTS]
    events = [
        event(1, lots[0], sourceList=sources),
        event(2, lots[1], sourceList=sources[::-1]),
        event(
            3,
            lots[0],
            action="OBSERVE",
            bizStep="receiving",
            bizLocation={"id": "urn:epc:id:sgln:0614141.00009.0"},
        ),
        event(
            4,
            lots[1],
            action="OBSERVE",
            bizStep="receiving",
            bizLocation={"id": "urn:epc:id:sgln:0614141.00009.0"},
        ),
    ]
    farm = {
        "id": FARM,
        "attributes": [{"id": "urn:trace-engine:mda:farmerName", "attribute": "Ana"}],
    }
    path.write_bytes(orjson.dumps(epcis_document(events, [farm])))


def test_a_batch_agent_is_the_one_the_online_loader_names(own: Settings, tmp_path: Path) -> None:
    path = tmp_path / "farm.jsonld"
    _farm_document(path)
    with make_driver(own) as driver:
        wipe(driver, own.neo4j_database)
        apply_schema(driver, own.neo4j_database)
        # one event a batch: each is followed by the listings' refresh, so each lot's batch
        # is derived as `collecting`, then again as `completed`
        load_files(Ingestor(driver, own.neo4j_database, batch_size=1), [path], ORG)
        want = _graph(driver, own.neo4j_database), _listings(driver, own.neo4j_database)
    batches = [orjson.loads(row) for row in want[1]["batches", None][1]]
    by_lot = {b["id"]: b for b in batches}
    assert [b["status"] for b in batches] == ["completed", "completed"]
    # the first source party of the type in each event's sourceList, not the stored order
    assert [by_lot[lot]["agent_id"] for lot in sorted(by_lot)] == [
        parse_identifier(agent).key for agent in AGENTS
    ]

    process = _initial(own, [path])
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output.decode()
    with make_driver(own) as driver:
        assert _graph(driver, own.neo4j_database) == want[0]
        assert _listings(driver, own.neo4j_database) == want[1]


def test_a_later_copy_of_a_refused_event_is_stored_as_the_online_loader_stores_it(
    own: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "copies.jsonld"
    path.write_bytes(orjson.dumps(epcis_document(copies())))
    with make_driver(own) as driver:
        wipe(driver, own.neo4j_database)
        apply_schema(driver, own.neo4j_database)
        # batches of 3: some copies share a batch with the refused copy, some come later
        [online] = load_files(Ingestor(driver, own.neo4j_database, batch_size=3), [path], ORG)
        want = _graph(driver, own.neo4j_database)
    assert [r.index for r in online.rejected] == [1, 4, 5, 7, 9]

    report = tmp_path / "report.json"
    process = _initial(own, [path], "--report", str(report))
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output.decode()
    [initial] = orjson.loads(report.read_bytes())["files"]
    assert initial == {**online.as_dict(), "path": str(path)}
    assert (initial["accepted"], initial["duplicates"]) == (5, 1)
    with make_driver(own) as driver:
        nodes, rels = _graph(driver, own.neo4j_database)
    assert nodes == want[0] and rels == want[1]
    events = {ident for ((label, ident, *_), _) in nodes if label == "Event"}
    assert events == set(COPIES_STORED)


# an identifier at its bound (8,000 bytes of UTF-8: Facility.id takes it) that leaves no room
# in the statement's (id, org) key beside an org at its bound
HUGE_SITE = "urn:x:farm:" + "😀" * 1997
# one the statement's key takes, not the farm listing's rank (org, time, id)
FARM_SITE = "urn:x:farm:" + "😀" * 1983


def _master_document(path: Path, site: str, attributes: list[dict[str, Any]], n: int) -> Path:
    """A location in the header's master data, and an event at it."""
    path.write_bytes(master_document(site, attributes, n))
    return path


def test_master_data_no_index_takes_refuses_its_file_as_the_online_loader_does(
    own: Settings, tmp_path: Path
) -> None:
    name = [{"id": "urn:epcglobal:cbv:mda#name", "attribute": "Far away"}]
    farm = [{"id": "urn:trace-engine:mda:facilityType", "attribute": "FARM"}]
    paths = [
        _master_document(tmp_path / "1-ok.jsonld", "urn:epc:id:sgln:0614141.00001.0", name, 1),
        _master_document(tmp_path / "2-statement.jsonld", HUGE_SITE, name, 2),
        _master_document(tmp_path / "3-farm.jsonld", FARM_SITE, farm, 3),
        _master_document(
            tmp_path / "4-bad-farm.jsonld",
            "urn:epc:id:sgln:0614141.00004.0",
            [*farm, {"id": "urn:trace-engine:mda:areaHectares", "attribute": "many"}],
            4,
        ),
        _master_document(tmp_path / "5-ok.jsonld", "urn:epc:id:sgln:0614141.00005.0", farm, 5),
    ]
    with make_driver(own) as driver:
        wipe(driver, own.neo4j_database)
        apply_schema(driver, own.neo4j_database)
        online = load_files(Ingestor(driver, own.neo4j_database, batch_size=400), paths, LONG_ORG)
        want = _graph(driver, own.neo4j_database)
    errors = [report.error for report in online]
    assert errors[0] is None and errors[4] is None
    assert "facility_data_id_org" in str(errors[1]) and "farm_profile" in str(errors[2])
    assert "areaHectares" in str(errors[3])
    for error in errors[1:3]:
        assert str(error).startswith("epcisMasterData urn:x:farm:😀")
        assert "nothing of the document was stored" in str(error)
    assert [report.accepted for report in online] == [1, 0, 0, 0, 1]

    report = tmp_path / "report.json"
    process = _initial(own, paths, "--report", str(report), org=LONG_ORG)
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 1, output.decode()  # files not read, as `load` exits
    files = orjson.loads(report.read_bytes())["files"]
    assert files == [{**r.as_dict(), "path": str(r.path)} for r in online]
    with make_driver(own) as driver:
        nodes, rels = _graph(driver, own.neo4j_database)
        assert _listings(driver, own.neo4j_database) is not None
    assert nodes == want[0] and rels == want[1]
    labels = Counter(label for ((label, *_), _) in nodes.elements())
    assert (labels["Event"], labels["FacilityData"], labels["FarmProfile"]) == (2, 2, 1)


def test_an_extension_event_of_the_wrong_shape_is_rejected_and_the_rest_loaded(
    own: Settings, tmp_path: Path
) -> None:
    # an event of an extension type with strings for sourceList's objects (or a null for a
    # quantity element) crashed the parse worker (AttributeError) and stopped the whole load
    def event(n: int, kind: str = "ObjectEvent", **changes: Any) -> dict[str, Any]:
        return {
            "type": kind,
            "eventID": f"urn:uuid:00000000-0000-4000-c000-{n:012d}",
            "eventTime": f"2024-03-01T10:{n:02d}:00.000+01:00",
            "eventTimeZoneOffset": "+01:00",
            "epcList": [f"urn:epc:id:sgtin:0614141.107346.{n}"],
            "bizLocation": {"id": "urn:epc:id:sgln:0614141.00777.0"},
            **changes,
        }

    extension = "urn:x:MyEvent"
    events = [
        event(0, action="ADD", bizStep="commissioning"),
        event(1, extension, sourceList=["urn:bad"]),
        event(2, extension, sourceList=[{"type": "owning_party", "source": AGENTS[0]}]),
        event(3, extension, quantityList=[None]),
        event(4, action="OBSERVE", bizStep="shipping"),
    ]
    path = tmp_path / "extension.jsonld"
    path.write_bytes(orjson.dumps(epcis_document(events, [])))
    with make_driver(own) as driver:
        wipe(driver, own.neo4j_database)
        apply_schema(driver, own.neo4j_database)
        [online] = load_files(Ingestor(driver, own.neo4j_database, batch_size=400), [path], ORG)
        want = _graph(driver, own.neo4j_database)
    refused = [(r.index, r.field) for r in online.rejected]
    assert refused == [(1, "sourceList[0]"), (3, "quantityList[0]")]

    report = tmp_path / "report.json"
    process = _initial(own, [path], "--report", str(report))
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output.decode()
    assert "sourceList[0]" in output.decode()  # the per-file table names it
    [initial] = orjson.loads(report.read_bytes())["files"]
    assert initial["rejectedEvents"] == [r.as_dict() for r in online.rejected]
    assert (initial["events"], initial["accepted"], initial["rejected"]) == (5, 3, 2)
    with make_driver(own) as driver:
        nodes, rels = _graph(driver, own.neo4j_database)
    assert nodes == want[0] and rels == want[1]
    stored = {ident for (label, ident, *_), _ in nodes if label == "Event"}
    assert stored == {events[n]["eventID"] for n in (0, 2, 4)}

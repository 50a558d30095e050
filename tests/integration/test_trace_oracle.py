"""Traces of generated supply chains equal the generator's independent ground truth.

The generator computes, in plain Python and without Neo4j, every lot's ancestors, descendants,
carriers and the events that touch them. Here the same documents go through the real ingest
path into the real server, and the trace of hundreds of randomly drawn instances, in each
direction, must return exactly those events and product instances.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from trace_engine.config import Settings
from trace_engine.epcis import iter_json_events, normalise_event, read_json_header
from trace_engine.ingest import Ingestor
from trace_engine.seed.generator import generate, load_truth, truth_trace
from trace_engine.trace.cache import TraceCache
from trace_engine.trace.repository import fetch_lineage
from trace_engine.trace.schemas import TraceParams
from trace_engine.trace.service import TraceService

ORG = "oracle-org"
SAMPLES = 200


def _load(driver: Driver, settings: Settings, folder: Path) -> int:
    ingestor = Ingestor(driver, settings.neo4j_database, batch_size=1000)
    accepted = 0
    for path in sorted(folder.glob("events-*.jsonld")):
        with path.open("rb") as fh:
            context, master = read_json_header(fh)
        with path.open("rb") as fh:
            items = (normalise_event(i, e, context) for i, e in iter_json_events(fh))
            accepted += ingestor.load(items, master, ORG).accepted
    return accepted


@pytest.mark.parametrize(
    ("seed", "options"), [(7, {}), (11, {"fan_in": 4, "fan_out": 3, "depth": 5})]
)
async def test_traces_equal_the_ground_truth(
    tmp_path: Path,
    driver: Driver,
    settings: Settings,
    seed: int,
    options: dict[str, Any],
) -> None:
    summary = generate(4000, seed, tmp_path, events_per_file=1500, **options)
    assert _load(driver, settings, tmp_path) == summary.events == 4000
    truth = load_truth(tmp_path)

    service = TraceService(TraceCache(60, 10), max_events=100_000)
    rng = random.Random(seed)
    sample = rng.sample(sorted(truth), SAMPLES)
    directions = ("upstream", "downstream", "both")
    checked = 0
    with driver.session(database=settings.neo4j_database) as session:

        async def fetch(key: str) -> dict[str, Any] | None:
            return session.execute_read(fetch_lineage, key)

        async def visible() -> frozenset[str]:
            return frozenset({ORG})

        for n, instance in enumerate(sample):
            direction = directions[n % 3]
            expected = truth_trace(truth, instance, direction)
            result = await service.trace_with(
                fetch,
                visible,
                instance,
                ORG,
                TraceParams(direction=direction, all_events=True),
            )
            body = result.json()[instance]
            assert set(body["events"]) == set(expected.events), (instance, direction)
            assert set(body["productInstances"]) == set(expected.instances), (instance, direction)
            checked += 1
    assert checked == SAMPLES

"""The synthetic supply-chain generator: determinism, counts, schema validity, truth, options."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from trace_engine.seed.generator import generate, load_truth, truth_trace
from trace_engine.seed.oracle import DIRECTIONS, Lineage
from trace_engine.seed.validation import default_schema_path, schema_errors

SCHEMA = default_schema_path()


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def documents(folder: Path) -> Iterator[dict[str, Any]]:
    for name in json.loads((folder / "manifest.json").read_text())["files"]:
        yield json.loads((folder / name).read_text(encoding="utf-8"))


def all_events(folder: Path) -> list[dict[str, Any]]:
    return [e for doc in documents(folder) for e in doc["epcisBody"]["eventList"]]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    generate(700, 42, out, events_per_file=250)
    return out


def test_same_seed_gives_identical_bytes(small: Path, tmp_path: Path) -> None:
    # another process with another hash seed: output must not depend on set or dict order
    code = (
        "import sys; from pathlib import Path; from trace_engine.seed.generator import generate;"
        "generate(700, 42, Path(sys.argv[1]), events_per_file=250)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env)
    assert digests(tmp_path) == digests(small)


def test_different_seed_gives_different_output(small: Path, tmp_path: Path) -> None:
    generate(700, 43, tmp_path, events_per_file=250)
    ours, theirs = digests(small), digests(tmp_path)
    assert ours.keys() == theirs.keys()
    assert all(ours[name] != theirs[name] for name in ours if name != "manifest.json")


@pytest.mark.parametrize(("events", "per_file"), [(0, 10), (1, 10), (137, 50), (1000, 1000)])
def test_exact_event_count(tmp_path: Path, events: int, per_file: int) -> None:
    seen: list[int] = []
    summary = generate(events, 5, tmp_path, events_per_file=per_file, progress=seen.append)
    assert summary.events == events
    assert summary.files == -(-events // per_file)
    docs = list(documents(tmp_path))
    assert [len(d["epcisBody"]["eventList"]) for d in docs[:-1]] == [per_file] * (len(docs) - 1)
    assert sum(len(d["epcisBody"]["eventList"]) for d in docs) == events
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["events"] == events
    assert manifest["networks"] == summary.networks == len(seen)
    assert seen == sorted(seen) and (not seen or seen[-1] == events)


def test_documents_validate(small: Path) -> None:
    for doc in documents(small):
        assert schema_errors(doc, SCHEMA) == []


def test_master_data_covers_exactly_what_each_file_uses(small: Path) -> None:
    for doc in documents(small):
        vocabularies = {
            v["type"]: {el["id"] for el in v["vocabularyElementList"]}
            for v in doc["epcisHeader"]["epcisMasterData"]["vocabularyList"]
        }
        locations: set[str] = set()
        products: set[str] = set()
        for e in doc["epcisBody"]["eventList"]:
            locations.add(e["bizLocation"]["id"])
            locations.update(s["source"] for s in e.get("sourceList", ()))
            locations.update(d["destination"] for d in e.get("destinationList", ()))
            for key in ("quantityList", "childQuantityList", "inputQuantityList",
                        "outputQuantityList"):  # fmt: skip
                for q in e.get(key, ()):
                    cp_item = q["epcClass"].removeprefix("urn:epc:class:lgtin:").rsplit(".", 1)[0]
                    products.add(f"urn:epc:idpat:sgtin:{cp_item}.*")
        assert vocabularies["urn:epcglobal:epcis:vtype:BusinessLocation"] == locations
        assert vocabularies["urn:epcglobal:epcis:vtype:EPCClass"] == products


def test_events_are_realistic(small: Path) -> None:
    events = all_events(small)
    assert len({e["eventID"] for e in events}) == len(events)
    first_seen: dict[str, str] = {}
    for e in sorted(events, key=lambda e: e["eventTime"]):
        assert e["eventTime"].endswith(".000Z") and e["eventTimeZoneOffset"][0] in "+-"
        if e["type"] == "TransformationEvent":
            # inputs existed before they were transformed; outputs are new
            for q in e["inputQuantityList"]:
                assert first_seen[q["epcClass"]] < e["eventTime"]
            for q in e["outputQuantityList"]:
                assert q["epcClass"] not in first_seen
                first_seen[q["epcClass"]] = e["eventTime"]
        for key in ("quantityList", "childQuantityList", "inputQuantityList"):
            for q in e.get(key, ()):
                assert q["uom"] in {"KGM", "CS", "EA"}
                if e.get("bizStep") == "commissioning" and e["type"] == "ObjectEvent":
                    first_seen[q["epcClass"]] = e["eventTime"]
                assert q["epcClass"] in first_seen
    steps = {e.get("bizStep") for e in events}
    assert {"commissioning", "shipping", "receiving", "packing", "unpacking", "stocking"} <= steps


def test_truth_agrees_with_a_fresh_lineage(small: Path) -> None:
    lineage = Lineage()
    lineage.add_events(all_events(small))
    truth = load_truth(small)
    assert sorted(truth) == lineage.instances()
    for instance in truth:
        for direction in DIRECTIONS:
            assert truth_trace(truth, instance, direction) == lineage.trace(instance, direction)


def processing_depths(events: list[dict[str, Any]]) -> tuple[list[tuple[int, int]], int]:
    """(inputs, outputs) of each processing step, and the longest chain of processing steps."""
    shapes = []
    made_from: dict[str, list[str]] = defaultdict(list)
    for e in events:
        if e["type"] == "TransformationEvent" and e["bizStep"] == "creating_class_instance":
            inputs = [q["epcClass"] for q in e["inputQuantityList"]]
            outputs = [q["epcClass"] for q in e["outputQuantityList"]]
            shapes.append((len(inputs), len(outputs)))
            for o in outputs:
                made_from[o].extend(inputs)
    depth: dict[str, int] = {}

    def level(lot: str) -> int:
        if lot not in made_from:
            return 0
        if lot not in depth:
            depth[lot] = 1 + max(level(i) for i in made_from[lot])
        return depth[lot]

    return shapes, max((level(lot) for lot in made_from), default=0)


@pytest.mark.parametrize(("fan_in", "fan_out", "depth"), [(3, 2, 3), (2, 4, 1), (5, 1, 6)])
def test_structure_options(tmp_path: Path, fan_in: int, fan_out: int, depth: int) -> None:
    generate(1500, 9, tmp_path, fan_in=fan_in, fan_out=fan_out, depth=depth)
    events = all_events(tmp_path)
    shapes, longest = processing_depths(events)
    assert shapes and set(shapes) == {(fan_in, fan_out)}
    assert longest == depth


def test_rejects_bad_parameters(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(10, 1, tmp_path, fan_in=0)
    with pytest.raises(ValueError):
        generate(-1, 1, tmp_path)

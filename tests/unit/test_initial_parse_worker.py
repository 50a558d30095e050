"""The parse worker of `load --initial` (`initial.parse`): its shortcuts give what the long way
gives."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import orjson
import pytest

from trace_engine.initial import parse
from trace_engine.initial.parse import FileTask, parse_file

_CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]


def _event(n: int, **changes: Any) -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        "eventTime": "2024-01-02T03:04:05.678+02:00",
        "eventTimeZoneOffset": "+02:00",
        "epcList": [f"urn:epc:id:sgtin:0614141.107346.{n}"],
        "action": "OBSERVE",
        "bizStep": "receiving",
        "readPoint": {"id": "urn:epc:id:sgln:0614141.07346.1234"},
        **changes,
    }


def _file(tmp_path: Path, events: list[dict[str, Any]]) -> Path:
    path = tmp_path / "events.jsonld"
    document = {"@context": _CONTEXT, "type": "EPCISDocument", "epcisBody": {"eventList": events}}
    path.write_bytes(orjson.dumps(document))
    return path


@pytest.mark.parametrize("whole", [True, False])
def test_a_chunk_said_to_leave_no_cycles_left_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, whole: bool
) -> None:
    # chunks of 2: valid, one rejected (jsonschema's explanation makes cycles), valid
    monkeypatch.setattr(parse, "CHUNK", 2)
    if not whole:  # streamed by ijson
        monkeypatch.setattr(parse, "WHOLE_DOCUMENT_BYTES", 10)
    events = [_event(n) for n in range(6)]
    events[3]["action"] = "JUMP"
    path = _file(tmp_path, events)
    said: list[bool] = []
    found: list[int] = []

    def on_chunk(n: int, cycles: bool) -> None:
        said.append(cycles)
        found.append(gc.collect())  # the garbage in cycles this chunk left

    gc.collect()
    gc.disable()
    try:
        result = parse_file(
            FileTask(0, path, None, "org", "2026-01-01T00:00:00.000Z", tmp_path), on_chunk
        )
    finally:
        gc.enable()
    assert result.events == 5 and result.report.outcome.rejected == 1
    assert said == ([False, True, False] if whole else [True, True, True])
    assert found[1] > 0  # the rejected event's explanation: what the collection is for
    assert all(n == 0 for n, cycles in zip(found, said, strict=True) if not cycles)

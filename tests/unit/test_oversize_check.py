"""The schema's indexes as the initial load's size check reads them, and the check on rows
(pure; the limit itself is pinned against the server in tests/integration/test_index_keys.py)."""

from __future__ import annotations

import pytest

from trace_engine.graph.events import GraphRows
from trace_engine.graph.index_keys import KEY_LIMIT, KeyCheck, read_indexes, schema_indexes
from trace_engine.graph.schema import schema_statements
from trace_engine.initial.oversize import OversizeCheck


def test_every_index_and_constraint_the_schema_creates_is_read_with_its_properties() -> None:
    creates = [s for s in schema_statements() if s.upper().startswith("CREATE")]
    indexes = schema_indexes()
    assert len(indexes) == len(creates)
    by_name = {i.name: i for i in indexes}
    assert by_name["event_biz_step"].properties == ("bizStep",)
    assert by_name["event_owner_id"].properties == ("eventID", "owner")
    assert by_name["lot_data_id_org"].label == "LotData"
    # plain indexes first, as apply_schema creates them
    plain = {s.split()[2] for s in creates if s.upper().startswith("CREATE INDEX")}
    flags = [i.name in plain for i in indexes]
    assert flags == sorted(flags, reverse=True) and any(flags) and not all(flags)


def test_an_index_the_check_cannot_size_is_refused_not_skipped() -> None:
    with pytest.raises(ValueError, match="not a range index"):
        read_indexes(["CREATE TEXT INDEX t IF NOT EXISTS FOR (n:Event) ON (n.raw)"])
    with pytest.raises(ValueError, match="not a range index"):
        read_indexes(["CREATE FULLTEXT INDEX f IF NOT EXISTS FOR (n:Event) ON EACH [n.raw]"])


def test_a_key_is_measured_in_utf8_bytes_and_a_composite_shares_the_limit() -> None:
    check = KeyCheck(
        read_indexes(["CREATE CONSTRAINT c IF NOT EXISTS FOR (n:L) REQUIRE (n.a, n.b) IS UNIQUE"])
    )
    room = KEY_LIMIT - 8 - 3 - 3  # for both strings together
    assert check.overflow("L", {"a": "x" * (room - 4), "b": "yyyy"}) is None
    found = check.overflow("L", {"a": "x" * (room - 3), "b": "yyyy"})
    assert found is not None and (found[0].name, found[1]) == ("c", KEY_LIMIT + 1)
    assert check.overflow("L", {"a": "é" * (room // 2), "b": ""}) is None
    assert check.overflow("L", {"a": "é" * (room // 2 + 1), "b": ""}) is not None
    assert check.overflow("L", {"a": "x" * 3 * KEY_LIMIT}) is None  # not in the index
    assert check.overflow("Other", {"a": "x" * 3 * KEY_LIMIT, "b": ""}) is None


def _event(event_id: str, step: str | None = None) -> dict[str, object]:
    return {
        "eventID": event_id,
        "owner": "o",
        "bizStep": step,
        "instances": [],
        "products": [],
        "facilities": [],
        "parties": [],
    }


def test_the_first_row_written_online_is_the_one_named() -> None:
    big = "urn:x:" + "y" * KEY_LIMIT
    rows = GraphRows(
        instances=[
            {"id": "lot", "aliases": [big], "lotData": {}, "org": "o"},
        ],
        events=[_event("e", big)],
    )
    assert OversizeCheck().refusal(rows) == (
        "id",
        f"is too large for Neo4j's index alias_id ({8 + 3 + len(big)} bytes); "
        "the event was not stored",
    )
    rows.instances[0]["aliases"] = []
    refusal = OversizeCheck().refusal(rows)
    assert refusal is not None and refusal[0] == "bizStep"
    rows.events[0]["bizStep"] = "ok"
    assert OversizeCheck().refusal(rows) is None

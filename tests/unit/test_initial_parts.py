"""The pure parts of `load --initial`: CSV values and groups, the shared-node merge, the swap."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trace_engine.errors import InitialLoadError
from trace_engine.graph.events import GraphRows
from trace_engine.initial import files
from trace_engine.initial.files import (
    ARRAY_DELIMITER,
    CsvSink,
    GroupKey,
    ImportIdCollision,
    JoinedParts,
    UnwritableValue,
    cell,
    column_type,
    import_id,
)
from trace_engine.initial.graph import NodeTables
from trace_engine.initial.store import (
    MARKER,
    file_patterns,
    finish_pending_swap,
    matching_files,
    read_marker,
    staging_dir,
    write_marker,
)


def test_values_keep_their_type_and_text() -> None:
    assert [column_type(v) for v in ("a", 1, 1.5, True, ["x"], [1, 2], None, [])] == [
        "string", "long", "double", "boolean", "string[]", "long[]", None, None
    ]  # fmt: skip
    assert cell('say "hi", twice') == '"say ""hi"", twice"'
    assert cell("") == '""'  # an empty string stays one (an empty field would be null)
    assert cell(0.1) == "0.1" and cell(10) == "10" and cell(False) == "false"
    assert cell(["a", 'b"']) == f'"a{ARRAY_DELIMITER}b"""'
    with pytest.raises(UnwritableValue):
        column_type([1, "a"])
    with pytest.raises(UnwritableValue):
        cell([f"a{ARRAY_DELIMITER}b"])


def test_rows_with_other_columns_go_to_other_groups(tmp_path: Path) -> None:
    sink = CsvSink(tmp_path, "p", number=0)
    sink.node("FacilityData", "FacilityData", "o\x1fa", {"id": "a", "org": "o", "area": 1})
    sink.node("FacilityData", "FacilityData", "o\x1fb", {"id": "b", "org": "o", "area": 1.5})
    sink.node("FacilityData", "FacilityData", "o\x1fc", {"id": "c", "org": "o", "area": None})
    groups = sink.close()
    assert len(groups) == 3
    headers = sorted(g.key.header() for g in groups)
    assert headers == [
        ":ID(FacilityData),id:string,org:string\n",
        ":ID(FacilityData),id:string,org:string,area:double\n",
        ":ID(FacilityData),id:string,org:string,area:long\n",
    ]
    key = GroupKey("relationships", "CONTAINS", ("ProductInstance", "ProductInstance"), ())
    assert key.header() == ":START_ID(ProductInstance),:END_ID(ProductInstance)\n"


def _rows(display: str, org: str, attributes: dict[str, object]) -> GraphRows:
    return GraphRows(
        facilities=[
            {"id": "414/1", "displayId": display, "aliases": [display], "attributes": attributes,
             "org": org}
        ],
        lineage=[{"from": "a", "to": "b", "rel": "CONTAINS", "org": org}],
    )  # fmt: skip


def test_shared_nodes_merge_like_the_online_statements() -> None:
    first, later = NodeTables(), NodeTables()
    first.add_rows(_rows("urn:a", "o1", {"name": "A", "city": "X"}))
    later.add_rows(_rows("urn:b", "o1", {"city": "Y", "name": None}))
    later.add_rows(_rows("urn:b", "o2", {}))
    first.merge(later)
    assert first.facilities == {"414/1": "urn:a"}  # ON CREATE: the first form seen
    assert list(first.aliases) == [("urn:a", "Facility", "414/1"), ("urn:b", "Facility", "414/1")]
    # SET d += attributes: later values win, a null removes; no statement without attributes
    assert first.statements == {("FacilityData", "414/1", "o1"): {"name": None, "city": "Y"}}
    assert first.lineage == {("a", "b", "CONTAINS"): ["o1", "o2"]}


def _instances(org: str, *keys: tuple[str, str]) -> GraphRows:
    return GraphRows(
        instances=[
            {"id": key, "displayId": raw, "aliases": [raw] if raw != key else [],
             "kind": "lot", "productId": "p1", "lotData": {}, "org": org}
            for key, raw in keys
        ],
        products=[{"id": "p1", "displayId": "p1", "aliases": [], "attributes": {}, "org": org}],
    )  # fmt: skip


def test_shared_nodes_streamed_while_merging_are_the_files_written_at_the_end(
    tmp_path: Path,
) -> None:
    files = []
    for run in ("at-end", "streamed"):
        tables, sink = NodeTables(), CsvSink(tmp_path / run, "shared", number=4)
        (tmp_path / run).mkdir()
        for rows in (
            _rows("urn:a", "o1", {"name": "A"}),
            _instances("o1", ("l1", "urn:l1"), ("l2", "l2")),
            _rows("urn:b", "o1", {"city": "Y"}),
            _instances("o1", ("l1", "urn:l1-again"), ("l3", "urn:l3")),
        ):
            later = NodeTables()
            later.add_rows(rows)
            tables.merge(later, sink if run == "streamed" else None)
        counts = tables.write(sink, streamed=run == "streamed")
        sink.close()
        files.append((counts, {p.name: p.read_bytes() for p in (tmp_path / run).iterdir()}))
    assert files[0] == files[1]
    counts, written = files[0]
    assert counts["ProductInstance"] == 3 and counts["INSTANCE_OF"] == 3 and counts["Alias"] == 5
    assert any(b"urn:l1-again" in text for text in written.values())  # an alias, once


def _store(data: Path, name: str, content: str) -> None:
    for part in ("databases", "transactions"):
        (data / part / name).mkdir(parents=True, exist_ok=True)
        (data / part / name / "f").write_text(content)


@pytest.mark.parametrize("killed_after", [0, 1, 2])
def test_a_swap_killed_anywhere_is_finished_by_the_next_start(
    tmp_path: Path, killed_after: int
) -> None:
    data = tmp_path / "data"
    _store(data, "neo4j", "old")
    _store(staging_dir(data), "neo4j", "new")
    write_marker(data, "swap", work_dir="w")
    # a swap killed after `killed_after` of its renames (live aside, staged in place)
    if killed_after >= 1:
        (data / "databases" / "neo4j").rename(data / "databases" / "neo4j.replaced-by-initial-load")
    if killed_after >= 2:
        (staging_dir(data) / "databases" / "neo4j").rename(data / "databases" / "neo4j")
    assert finish_pending_swap(data)
    for part in ("databases", "transactions"):
        assert (data / part / "neo4j" / "f").read_text() == "new"
        assert sorted(p.name for p in (data / part).iterdir()) == ["neo4j"]
    assert read_marker(data) == {"phase": "finish", "work_dir": "w"}
    assert not staging_dir(data).exists()
    assert not finish_pending_swap(data)  # nothing more to do


@pytest.mark.parametrize(
    "names",
    [
        ["n-Event-0a1b.000000.csv"],
        [f"n-Event-0a1b.{i:06d}.csv" for i in range(120)] + ["n-Event-0a1b.shared.csv"],
        ["r-AT-f00d.000003.csv", "r-AT-f00d.000017.csv"],
        ["n-A+B (x)-1.shared.csv", "n-A+B (x)-1.shared.csv.csv"],  # one name starts another
    ],
)
def test_a_group_is_named_to_the_importer_by_one_pattern_matching_exactly_its_files(
    tmp_path: Path, names: list[str]
) -> None:
    # the importer takes each file argument as a regular expression over its folder's names
    decoys = ["n-Event-0a1b.header.csv", "n-Event-0a1b.0000000.csv", "n-Event-0a1bX000001Xcsv"]
    decoys += ["r-AT-f00d.000004.csv", "n-A+B (x)-1.shared.csv.csv.csv", "n-AAB (x)-1.shared.csv"]
    for name in {*names, *decoys}:
        (tmp_path / name).write_text("")
    files = [tmp_path / name for name in names]
    (pattern,) = file_patterns(files)
    assert pattern.parent == tmp_path
    assert matching_files(pattern) == sorted(files)


def test_no_marker_no_swap(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _store(data, "neo4j", "old")
    _store(staging_dir(data), "neo4j", "half")  # an import killed before it finished
    assert not finish_pending_swap(data)
    assert (data / "databases" / "neo4j" / "f").read_text() == "old"
    assert not (data / MARKER).exists()


def test_links_write_what_relationship_writes(tmp_path: Path) -> None:
    rows = [
        {"id": "01/1/10/a", "rel": "OBSERVED", "quantity": 2.5, "uom": "KGM", "seq": 0},
        {"id": 'lot "b"', "rel": "OBSERVED", "quantity": None, "uom": None, "seq": 1},
        {"id": "00/3", "rel": "PARENT", "quantity": None, "uom": None, "seq": None},
        {"id": "01/1/10/c", "rel": "INPUT", "quantity": float("nan"), "uom": "", "seq": 7},
    ]
    names = ("quantity", "uom", "seq")
    one, many = CsvSink(tmp_path / "a", "p"), CsvSink(tmp_path / "b", "p")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for row in rows:
        props = {name: row[name] for name in names}
        one.relationship(row["rel"], ("Event", 7), ("ProductInstance", row["id"]), props)
    many.links(("Event", 7), "ProductInstance", rows, names)
    written = [
        sorted(
            ((g.key, g.rows, [f.read_bytes() for f in g.files]) for g in sink.close()),
            key=lambda group: group[0].slug,
        )
        for sink in (one, many)
    ]
    assert written[0] == written[1]
    assert len(written[0]) == 4  # (quantity, uom, seq), seq only, none, and a NaN double


def _lines(sink: CsvSink) -> dict[str, list[str]]:
    """The lines written, by group header."""
    return {
        g.key.header(): [line for f in g.files for line in f.read_text().splitlines()]
        for g in sink.close()
    }


def test_events_are_numbered_by_their_file_and_place(tmp_path: Path) -> None:
    first, second = CsvSink(tmp_path, "000000", number=0), CsvSink(tmp_path, "000001", number=1)
    ids = [first.node("Event", "Event", f"e{i}", {}, id_property="eventID") for i in range(3)]
    ids.append(second.node("Event", "Event", "e0", {}, id_property="eventID"))
    assert len(set(ids)) == 4 and all(0 <= i < 2**56 for i in ids)
    first.relationship("AT", ("Event", ids[0]), ("Facility", "414/1"))
    written = _lines(first)
    assert written[":ID(Event),eventID:string\n"] == [f'{i},"e{n}"' for n, i in enumerate(ids[:3])]
    assert written[":START_ID(Event),:END_ID(Facility)\n"] == [f"{ids[0]},{import_id('414/1')}"]
    with pytest.raises(InitialLoadError, match="named by the id"):
        second.relationship("AT", ("Event", "e0"), ("Facility", "414/1"))  # a key: not its id
    with pytest.raises(InitialLoadError, match="no number"):
        CsvSink(tmp_path, "shared").node("Event", "Event", "e9", {})


def test_a_key_is_named_by_the_same_id_in_every_sink(tmp_path: Path) -> None:
    shared, worker = CsvSink(tmp_path, "shared"), CsvSink(tmp_path, "000003", number=3)
    shared.node("ProductInstance", "ProductInstance", '01/1/10/"a"', {}, id_property="id")
    event = worker.node("Event", "Event", "e", {}, id_property="eventID")
    worker.links(("Event", event), "ProductInstance", [{"id": '01/1/10/"a"', "rel": "INPUT"}], ())
    node = import_id('01/1/10/"a"')
    assert _lines(shared)[":ID(ProductInstance),id:string\n"] == [f'{node},"01/1/10/""a"""']
    assert _lines(worker)[":START_ID(Event),:END_ID(ProductInstance)\n"] == [f"{event},{node}"]


def test_two_keys_with_one_id_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 56 bits make a collision too rare to meet: at one byte, 20 keys give one for sure
    monkeypatch.setattr(files, "ID_BYTES", 1)
    sink = CsvSink(tmp_path, "shared")
    seen: dict[int, str] = {}
    with pytest.raises(ImportIdCollision, match="two Facility keys have the same importer id"):
        for n in range(300):
            key = f"414/{n}"
            sink.node("Facility", "Facility", key, {}, id_property="id")
            seen.setdefault(import_id(key), key)
    assert len(seen) < 300  # it stopped at the first key whose id was taken
    for key in seen.values():  # the same ids in another space are no collision
        sink.node("Product", "Product", key, {}, id_property="id")


def test_parts_are_joined_in_order_one_file_per_group(tmp_path: Path) -> None:
    parts = []
    for index in range(3):
        sink = CsvSink(tmp_path, f"{index:06d}", number=index)
        for n in range(index + 1):  # a file of 1, 2 and 3 events, and facilities in two files
            node = sink.node("Event", "Event", f"e{index}.{n}", {"n": n}, id_property="eventID")
            if index != 1:
                sink.relationship("AT", ("Event", node), ("Facility", f"414/{index}"))
        parts.append(sink.close(durable=False))
    expected = {g.key: b"" for groups in parts for g in groups}
    for groups in parts:
        for g in groups:
            expected[g.key] += b"".join(f.read_bytes() for f in g.files)
    joined = JoinedParts(tmp_path)
    for groups in parts:
        joined.add(groups)
    result = joined.close()
    assert {g.key: g.files[0].read_bytes() for g in result} == expected
    assert {g.key.name: g.rows for g in result} == {"Event": 6, "AT": 4}
    assert all(len(g.files) == 1 for g in result)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(g.files[0].name for g in result)


def test_a_list_of_strings_is_written_as_cell_writes_it(tmp_path: Path) -> None:
    sink = CsvSink(tmp_path, "shared")
    orgs = ["coop", 'a "b", c', ""]
    sink.relationship(
        "CONTAINS", ("ProductInstance", "p"), ("ProductInstance", "q"), {"orgs": orgs}
    )
    (line,) = _lines(sink)[":START_ID(ProductInstance),:END_ID(ProductInstance),orgs:string[]\n"]
    assert line == f"{import_id('p')},{import_id('q')},{cell(orgs)}"
    with pytest.raises(UnwritableValue, match="array delimiter"):
        sink.relationship(
            "CONTAINS", ("ProductInstance", "p"), ("ProductInstance", "q"), {"orgs": ["a\x1fb"]}
        )


_LINK_VALUES = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from('ab"\n,\x1fé'), max_size=4),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.booleans(),
    st.lists(st.text(alphabet=st.sampled_from('ab"\x1f'), max_size=2), max_size=2),
    st.lists(st.integers(), max_size=2),
    st.lists(st.one_of(st.integers(), st.text(max_size=1)), min_size=2, max_size=2),
)


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "id": st.text(alphabet=st.sampled_from('ab"'), min_size=1, max_size=3),
                "rel": st.sampled_from(["OBSERVED", "AT"]),
                "x": _LINK_VALUES,
                "y": _LINK_VALUES,
            }
        ),
        max_size=4,
    )
)
@settings(max_examples=100, deadline=None)
def test_links_write_what_relationship_writes_for_any_values(rows: list[dict[str, Any]]) -> None:
    # `links` has `_write`'s loop inline: the same files, or the same refusal, for any values
    with tempfile.TemporaryDirectory() as tmp:
        folders = Path(tmp) / "one", Path(tmp) / "many"
        for folder in folders:
            folder.mkdir()
        one, many = CsvSink(folders[0], "p"), CsvSink(folders[1], "p")
        outcomes = []
        try:
            for row in rows:
                props = {"x": row["x"], "y": row["y"]}
                one.relationship(row["rel"], ("Event", 7), ("Facility", row["id"]), props)
            outcomes.append("written")
        except UnwritableValue as exc:
            outcomes.append(str(exc))
        try:
            many.links(("Event", 7), "Facility", rows, ("x", "y"))
            outcomes.append("written")
        except UnwritableValue as exc:
            outcomes.append(str(exc))
        assert outcomes[0] == outcomes[1]
        written = [
            sorted(
                ((g.key.slug, g.rows, [f.read_bytes() for f in g.files]) for g in sink.close()),
            )
            for sink in (one, many)
        ]
        assert written[0] == written[1]


@pytest.mark.parametrize("value, multiline", [("a b", False), ("a\nb", True), ("a\rb", True)])
def test_a_line_break_in_a_value_is_told_to_the_importer(
    tmp_path: Path, value: str, multiline: bool
) -> None:
    sink = CsvSink(tmp_path, "p")
    for n in range(files._PENDING_LINES + 3):  # a full batch of lines and a last one
        props = {"note": value if n == files._PENDING_LINES + 1 else "x"}
        sink.node("Facility", "Facility", f"414/{n}", props, id_property="id")
    (group,) = sink.close()
    assert sink.multiline is multiline
    assert group.rows == files._PENDING_LINES + 3
    text = group.files[0].read_bytes()
    assert text.endswith(b"\n") and text.count(b"\n") == group.rows + ("\n" in value)

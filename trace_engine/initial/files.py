"""The import files: node and relationship rows → CSV in the shape `neo4j-admin database import`
reads (pure apart from writing the files).

A CSV column has one type for every row, while the online path stores whatever property a row
has (a master-data attribute may be a number in one document and missing in the next). So the
rows of one label or relationship type go into one group of files per column signature (the
property names and types that row has), each group with a header of its own; in practice a
handful of groups per label. A null property is left out, as the online statements leave it.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from trace_engine.errors import InitialLoadError

# The importer's array delimiter: a control character no identifier or attribute holds
# (a value that does is refused with the value named, never written wrongly).
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_OPTION = "U+001F"

_SCALAR_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),  # before int: a bool is an int in Python
    (int, "long"),
    (float, "double"),
    (str, "string"),
)


class UnwritableValue(InitialLoadError):
    """A property value the CSV format cannot carry faithfully (Neo4j would refuse it too)."""


def _scalar_type(value: object) -> str | None:
    for kind, name in _SCALAR_TYPES:
        if isinstance(value, kind):
            return name
    return None


# the exact types (the fast path: most values are one of these)
_EXACT_TYPES: dict[type, str | None] = {
    str: "string",
    int: "long",
    float: "double",
    bool: "boolean",
    type(None): None,
}


def column_type(value: object) -> str | None:
    """The importer type of a property value (None for a value that is not stored)."""
    exact = type(value)
    if exact in _EXACT_TYPES:
        return _EXACT_TYPES[exact]
    if isinstance(value, list):
        if not value:
            return None  # an empty list: nothing to store in CSV
        kinds = {_scalar_type(v) for v in value}
        if len(kinds) != 1 or None in kinds:
            raise UnwritableValue(f"a list of mixed or unsupported values: {value!r}")
        return f"{kinds.pop()}[]"
    return _scalar_type(value)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if '"' in text else '"' + text + '"'


def _number(value: int | float) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    return str(value)


def cell(value: object) -> str:
    """One CSV field: strings quoted (so an empty string stays one), lists joined."""
    if type(value) is str:
        return '"' + value.replace('"', '""') + '"' if '"' in value else '"' + value + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, list):
        parts = []
        for item in value:
            text = cell(item)
            if isinstance(item, str):
                if ARRAY_DELIMITER in item:
                    raise UnwritableValue(f"a list item holds the array delimiter: {item!r}")
                text = item.replace('"', '""')
            parts.append(text)
        return '"' + ARRAY_DELIMITER.join(parts) + '"'
    raise UnwritableValue(f"unsupported property value {value!r}")


@dataclass(frozen=True)
class GroupKey:
    """What the files of one group share: kind, label or type, id spaces and columns."""

    kind: str  # "nodes" | "relationships"
    name: str  # the label (nodes) or relationship type
    ids: tuple[str, ...]  # nodes: (id property or "", id space); relationships: (start, end)
    columns: tuple[tuple[str, str], ...]  # (property, importer type)

    @property
    def slug(self) -> str:
        """A short stable file-name stem for the group."""
        digest = hashlib.blake2b(repr(self).encode(), digest_size=6).hexdigest()
        return f"{self.kind[0]}-{self.name}-{digest}"

    def header(self) -> str:
        """The CSV header line the importer reads."""
        if self.kind == "nodes":
            id_property, space = self.ids
            first = [f"{id_property}:ID({space})"]
        else:
            first = [f":START_ID({self.ids[0]})", f":END_ID({self.ids[1]})"]
        return ",".join(first + [f"{name}:{kind}" for name, kind in self.columns]) + "\n"


@dataclass
class Group:
    """One group's header and the data files written for it."""

    key: GroupKey
    files: list[Path] = field(default_factory=list)
    rows: int = 0


_PENDING_LINES = 512  # a group's lines are written this many at a time


class CsvSink:
    """Writes node and relationship rows into the part files of one worker (or the main
    process), `<group>.<part>.csv` in `folder`."""

    def __init__(self, folder: Path, part: str) -> None:
        self.folder = folder
        self.part = part
        self.multiline = False  # a value holds a line break: the importer must be told
        # (kind, name, *ids, *columns) → the open file, its group and the lines not yet
        # written: a flat tuple, so a row costs one dict look-up and no GroupKey
        self._open: dict[tuple[Any, ...], tuple[IO[str], Group, list[str]]] = {}

    def _write(
        self,
        kind: str,
        name: str,
        ids: tuple[str, str],
        first: str,
        props: Iterable[tuple[str, Any]],
        skip: Container[str] = (),
    ) -> None:
        # the columns of this row (a null or empty list is left out, and what `skip` names)
        # and its fields, in one pass; the common types inline, the rest through column_type
        # and cell
        columns: list[str] = []  # name, type, name, type, …: flat, no tuple per value
        fields = [first]
        for prop, value in props:
            if prop in skip:
                continue
            exact = type(value)
            if exact is str:
                columns += (prop, "string")
                fields.append(
                    '"' + value.replace('"', '""') + '"' if '"' in value else '"' + value + '"'
                )
            elif value is None:
                continue
            elif exact is int:
                columns += (prop, "long")
                fields.append(str(value))
            elif exact is float and math.isfinite(value):
                columns += (prop, "double")
                fields.append(repr(value))
            elif (column := column_type(value)) is not None:
                columns += (prop, column)
                fields.append(cell(value))
        self._line(kind, name, ids, columns, ",".join(fields))

    def _line(
        self, kind: str, name: str, ids: tuple[str, str], columns: list[str], line: str
    ) -> None:
        # one row's line into the file of its group (kind, name, ids and columns)
        signature = (kind, name, *ids, *columns)
        entry = self._open.get(signature)
        if entry is None:
            pairs = tuple(zip(columns[::2], columns[1::2], strict=True))
            group = Group(GroupKey(kind, name, ids, pairs))
            path = self.folder / f"{group.key.slug}.{self.part}.csv"
            group.files.append(path)
            fh = path.open("w", encoding="utf-8", newline="")
            entry = self._open[signature] = (fh, group, [])
        lines = entry[2]
        lines.append(line)
        entry[1].rows += 1
        if len(lines) >= _PENDING_LINES:
            self._flush(entry[0], lines)

    def _flush(self, fh: IO[str], lines: list[str]) -> None:
        # a group's pending lines in one write (a write a line took a fifth of the sink's time)
        text = "\n".join(lines)
        if text.count("\n") != len(lines) - 1 or "\r" in text:
            self.multiline = True
        fh.write(text + "\n")
        lines.clear()

    def node(
        self, label: str, space: str, node_id: str, props: dict[str, Any], id_property: str = ""
    ) -> None:
        """A node of `label` with importer id `node_id` in id space `space`; `id_property`
        names the property the id is also stored as (empty: not stored)."""
        if props:
            self._write("nodes", label, (id_property, space), _quoted(node_id), props.items())
        else:
            self._line("nodes", label, (id_property, space), [], _quoted(node_id))

    def row_node(
        self,
        label: str,
        space: str,
        node_id: str,
        row: dict[str, Any],
        skip: Container[str],
        id_property: str = "",
    ) -> None:
        """`node` with the properties of `row` but those `skip` names (no dict of them)."""
        self._write("nodes", label, (id_property, space), _quoted(node_id), row.items(), skip)

    def relationship(
        self,
        rel_type: str,
        start: tuple[str, str],
        end: tuple[str, str],
        props: dict[str, Any] | None = None,
    ) -> None:
        """A relationship from (space, id) `start` to (space, id) `end`."""
        ends = _quoted(start[1]) + "," + _quoted(end[1])
        if props:
            self._write("relationships", rel_type, (start[0], end[0]), ends, props.items())
        else:
            self._line("relationships", rel_type, (start[0], end[0]), [], ends)

    def links(
        self, start: tuple[str, str], space: str, rows: list[dict[str, Any]], names: tuple[str, ...]
    ) -> None:
        """`relationship` for each link row of one start node, without a dict per row: its
        type is the row's `rel`, its end the node `id` in id space `space`, its properties the
        row's values of `names`."""
        ids = (start[0], space)
        head = _quoted(start[1]) + ","
        for row in rows:
            props = [(name, row[name]) for name in names]
            self._write("relationships", row["rel"], ids, head + _quoted(row["id"]), props)

    def close(self) -> list[Group]:
        """Flush and fsync every file; the groups written."""
        groups = []
        for fh, group, lines in self._open.values():
            if lines:
                self._flush(fh, lines)
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
            groups.append(group)
        self._open = {}
        return groups


def merge_groups(parts: list[list[Group]]) -> dict[GroupKey, Group]:
    """The groups of every part, the files of one key together (in part order)."""
    merged: dict[GroupKey, Group] = {}
    for groups in parts:
        for group in groups:
            into = merged.setdefault(group.key, Group(group.key))
            into.files.extend(group.files)
            into.rows += group.rows
    return merged

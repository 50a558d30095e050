"""The import files: node and relationship rows → CSV in the shape `neo4j-admin database import`
reads (pure apart from writing the files).

A CSV column has one type for every row, while the online path stores whatever property a row
has (a master-data attribute may be a number in one document and missing in the next). So the
rows of one label or relationship type go into one group of files per column signature (the
property names and types that row has), each group with a header of its own; in practice a
handful of groups per label. A null property is left out, as the online statements leave it.

The importer's node ids are integers (`--id-type=integer`), not the nodes' keys: with string
ids the importer spent 40% of its time encoding, sorting and looking up the 12 million keys of
a 1M-event load (its run on the same files took 43.5 s with string ids and 26.1 s with integer
ids). A node that only one process writes, with every relationship that names it, is numbered
by that process: an Event by the worker of its file (the file's index and the event's place in
it); an Alias, a statement (FacilityData, ProductData, LotData) and a Migration record by the
main process; a listing row, its Tally and the org's ListingsLock by the listings writer.
Every other node's id is 56 bits of BLAKE2b of its key, so that a worker can name a product or
a place the main process writes. Two keys with one
hash in a space are refused before the import (`ImportIdCollision`); the key itself is a
property column as before.
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


class ImportIdCollision(InitialLoadError):
    """Two keys of one id space have the same importer id (about one chance in 10^5 for a
    space of 10 million nodes): the import would refuse or mislink them."""


# The importer keeps an integer id below 2**57 (it stores the number's length in the bits
# above); 56 bits leave room and make a collision in a space of n keys about n²/2**57 likely.
ID_BYTES = 7
# the spaces whose ids are numbered by the sink that writes their nodes (a part's index in the
# high bits, the node's place in the part in the low ones) rather than hashed from the key:
# each is written by one sink, which names its nodes there by the id `node` returned (see the
# module doc for which)
NUMBERED_SPACES = frozenset(
    {
        "Event",
        "Alias",
        "FacilityData",
        "ProductData",
        "LotData",
        "Migration",
        "ListingsLock",
        "FarmProfile",
        "Shipment",
        "Batch",
        "Tally",
    }
)
_PLACE_BITS = 32
_MAX_PARTS = 1 << (8 * ID_BYTES - _PLACE_BITS)
_ID_CACHE = 1 << 16  # keys hashed and remembered by a sink (cleared when full)


def import_id(key: str) -> int:
    """The importer id of the node with `key` in a hashed space (the same in every process)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=ID_BYTES).digest(), "big")


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
        """The CSV header line the importer reads (the importer id first; a node's key, when it
        is a property, second)."""
        if self.kind == "nodes":
            id_property, space = self.ids
            first = [f":ID({space})"] + ([f"{id_property}:string"] if id_property else [])
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
    process), `<group>.<part>.csv` in `folder`.

    Nodes are named by their key (and space); the sink writes the importer id of each (see the
    module doc). A sink that writes nodes of a numbered space (Event, Alias) is given its
    `number` (unique in the load: a worker's file index, the main process's one after them);
    its nodes there are then named by the id `node` returned. The ids of the hashed spaces a
    sink writes nodes in are checked for collisions (each space is written by one sink).
    """

    def __init__(
        self, folder: Path, part: str, number: int | None = None, remember: bool = False
    ) -> None:
        self.folder = folder
        self.part = part
        self.multiline = False  # a value holds a line break: the importer must be told
        # (kind, name, *ids, *columns) → the open file, its group and the lines not yet
        # written: a flat tuple, so a row costs one dict look-up and no GroupKey
        self._open: dict[tuple[Any, ...], tuple[IO[str], Group, list[str]]] = {}
        if number is not None and not 0 <= number < _MAX_PARTS:
            raise InitialLoadError(f"at most {_MAX_PARTS:,} files can be loaded at once")
        self._next = None if number is None else number << _PLACE_BITS
        self._last = 0 if number is None else (number + 1) << _PLACE_BITS
        # key → importer id (as text): of recent keys, or (`remember`) of every key (the main
        # process names each shared node again in its aliases, statements and lineage edges)
        self._hashed: dict[str, str] = {}
        self._cache = None if remember else _ID_CACHE
        self._written: dict[str, set[str]] = {}  # hashed space → the ids of its nodes here

    def _id(self, key: str) -> str:
        # the importer id of a key in a hashed space, as text (a file names the same few
        # places and products again and again)
        found = self._hashed.get(key)
        if found is None:
            if self._cache is not None and len(self._hashed) >= self._cache:
                self._hashed.clear()
            found = self._hashed[key] = str(import_id(key))
        return found

    def _number(self, space: str) -> int:
        # the next id of a numbered space
        number = self._next
        if number is None:
            raise InitialLoadError(f"this sink writes no {space} nodes (no number given)")
        if number >= self._last:
            raise InitialLoadError(f"at most {1 << _PLACE_BITS:,} events in one file")
        self._next = number + 1
        return number

    def _hashed_node(self, space: str, key: str) -> str:
        # a new node's id in a hashed space, checked unique among the space's nodes here
        node_id = self._hashed.get(key) or self._id(key)
        written = self._written.get(space)
        if written is None:
            written = self._written[space] = set()
        if node_id in written:
            raise ImportIdCollision(
                f"two {space} keys have the same importer id ({key!r} is one); "
                "load these files with `trace-engine load` instead"
            )
        written.add(node_id)
        return node_id

    def _ref(self, space: str, node: str | int) -> str:
        # the field naming a relationship's start or end: a numbered node by its id, any other
        # by its key
        if type(node) is int:
            return str(node)
        if space in NUMBERED_SPACES:
            raise InitialLoadError(f"a {space} node is named by the id the sink gave it")
        return self._hashed.get(node) or self._id(node)  # type: ignore[arg-type]

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
            elif exact is list and value and all(type(v) is str for v in value):
                # a list of strings (a lineage edge's orgs): `cell` without its per-item calls
                if any(ARRAY_DELIMITER in v for v in value):
                    cell(value)  # raises, naming the item
                columns += (prop, "string[]")
                fields.append('"' + ARRAY_DELIMITER.join(value).replace('"', '""') + '"')
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
        if len(lines) >= _PENDING_LINES:
            self._flush(entry[0], entry[1], lines)

    def _flush(self, fh: IO[str], group: Group, lines: list[str]) -> None:
        # a group's pending lines in one write (a write a line took a fifth of the sink's time),
        # counted in its rows here (not a count a line)
        group.rows += len(lines)
        lines.append("")  # the last line's end, joined with the rest
        text = "\n".join(lines)
        if text.count("\n") != len(lines) - 1 or "\r" in text:
            self.multiline = True
        fh.write(text)
        lines.clear()

    def _first(self, space: str, key: str, id_property: str) -> tuple[int, str]:
        # a node's importer id (0 in a hashed space: nobody names it by its id) and its first
        # fields (the id, and the key when it is stored)
        if space in NUMBERED_SPACES:
            number = self._number(space)
            text = str(number)
        else:
            number, text = 0, self._hashed_node(space, key)
        return number, (f"{text},{_quoted(key)}" if id_property else text)

    def node(
        self, label: str, space: str, key: str, props: dict[str, Any], id_property: str = ""
    ) -> int:
        """A node of `label` with `key` in id space `space`; `id_property` names the property
        the key is stored as (empty: not stored). Returns its id in a numbered space (the
        name its relationships give it), 0 in a hashed one (they name it by its key)."""
        number, first = self._first(space, key, id_property)
        if props:
            self._write("nodes", label, (id_property, space), first, props.items())
        else:
            self._line("nodes", label, (id_property, space), [], first)
        return number

    def row_node(
        self,
        label: str,
        space: str,
        key: str,
        row: dict[str, Any],
        skip: Container[str],
        id_property: str = "",
    ) -> int:
        """`node` with the properties of `row` but those `skip` names (no dict of them)."""
        number, first = self._first(space, key, id_property)
        self._write("nodes", label, (id_property, space), first, row.items(), skip)
        return number

    def relationship(
        self,
        rel_type: str,
        start: tuple[str, str | int],
        end: tuple[str, str | int],
        props: dict[str, Any] | None = None,
    ) -> None:
        """A relationship from (space, node) `start` to (space, node) `end`, a node named by
        its key (or, in a numbered space, by the id `node` gave it)."""
        ends = self._ref(*start) + "," + self._ref(*end)
        if props:
            self._write("relationships", rel_type, (start[0], end[0]), ends, props.items())
        else:
            self._line("relationships", rel_type, (start[0], end[0]), [], ends)

    def links(
        self,
        start: tuple[str, str | int],
        space: str,
        rows: list[dict[str, Any]],
        names: tuple[str, ...],
    ) -> None:
        """`relationship` for each link row of one start node, without a dict per row: its
        type is the row's `rel`, its end the node `id` in id space `space`, its properties the
        row's values of `names`."""
        ids = (start[0], space)
        head = self._ref(*start) + ","
        known, key_id, line = self._hashed, self._id, self._line
        for row in rows:
            # `_write`'s loop over the row's values of `names`, inline (a quarter of a link's
            # time went to the call and a list of pairs for it); the same fields for any
            # values (`test_initial_parts`)
            key = row["id"]
            columns: list[str] = []
            fields = [head + (known.get(key) or key_id(key))]
            for prop in names:
                value = row[prop]
                if value is None:
                    continue
                exact = type(value)
                if exact is str:
                    columns += (prop, "string")
                    fields.append(
                        '"' + value.replace('"', '""') + '"' if '"' in value else '"' + value + '"'
                    )
                elif exact is int:
                    columns += (prop, "long")
                    fields.append(str(value))
                elif exact is float and math.isfinite(value):
                    columns += (prop, "double")
                    fields.append(repr(value))
                elif (column := column_type(value)) is not None:
                    columns += (prop, column)
                    fields.append(cell(value))
            line("relationships", row["rel"], ids, columns, ",".join(fields))

    def close(self, durable: bool = True) -> list[Group]:
        """Flush (and, if `durable`, fsync) every file; the groups written."""
        groups = []
        for fh, group, lines in self._open.values():
            if lines:
                self._flush(fh, group, lines)
            fh.flush()
            if durable:
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


class JoinedParts:
    """The part files of each group joined, in the order given, into one file per group
    (`<group>.joined.csv` in `folder`), each part removed once it is copied.

    The importer reads the start of every file it is given before it begins (its estimates):
    at 1M events the workers' 1,379 part files cost it 3-5 s there, against under a second for
    one file per group. The parse joins each file's parts as soon as its result is final,
    while the workers parse on; the copy stays in the kernel (`os.copy_file_range`).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._open: dict[GroupKey, tuple[int, Group]] = {}

    def add(self, groups: list[Group]) -> None:
        """Append these groups' files to their groups' joined files, and remove them."""
        for group in groups:
            entry = self._open.get(group.key)
            if entry is None:
                path = self.folder / f"{group.key.slug}.joined.csv"
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                entry = self._open[group.key] = (fd, Group(group.key, [path]))
            fd, joined = entry
            for part in group.files:
                _append(fd, part)
                part.unlink()
            joined.rows += group.rows

    def close(self) -> list[Group]:
        """Fsync and close the joined files; their groups."""
        groups = []
        for fd, group in self._open.values():
            os.fsync(fd)
            os.close(fd)
            groups.append(group)
        self._open = {}
        return groups


def _append(fd: int, path: Path) -> None:
    # the whole of `path` at the end of the open file `fd`
    with path.open("rb") as src:
        left = os.fstat(src.fileno()).st_size
        try:
            while left > 0:
                copied = os.copy_file_range(src.fileno(), fd, left)
                if copied == 0:
                    break
                left -= copied
        except OSError:  # a file system or kernel without it: the same bytes through user space
            pass
        if left > 0:
            src.seek(os.fstat(src.fileno()).st_size - left)
            while chunk := src.read(1 << 20):
                os.write(fd, chunk)

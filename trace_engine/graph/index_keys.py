"""The schema's range indexes and the size of their keys, as Neo4j 5.26 measures them (pure).

Neo4j refuses to store a node whose indexed properties make an index key larger than it
holds ("Property value is too large to index … property size: N"). Measured on the server
(`tests/integration/test_index_keys.py` pins it, so an upgrade that moves it fails there):

- a key is 8 bytes (the node) plus, for each property of the index, 3 bytes and, for a string,
  its UTF-8 bytes; "property size" in Neo4j's message is that sum;
- the largest key a range index takes is `KEY_LIMIT` (8,175) bytes: a string alone in an index
  holds at most 8,164 bytes of UTF-8, whatever its characters (2,041 four-byte ones), and the
  strings of a composite index (`(n.eventID, n.owner)`) share that;
- a node lacking any property of an index is not in it (a composite one included).

Only strings can grow that large in this schema; any other value is counted as `_OTHER_BYTES`
(more than a number, a boolean or a date-time take), never near the limit.

The indexes are read from `cypher/schema.cypher`, the file `trace-engine db migrate` applies,
in the order `apply_schema` creates them (plain indexes, then the constraints' own indexes).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from trace_engine.graph.catalog import Query, statements

KEY_LIMIT = 8175
_NODE_BYTES = 8
_PROPERTY_BYTES = 3
_OTHER_BYTES = 16
_MAX_UTF8 = 4  # bytes per character at most: a bound that spares encoding short strings

_CREATE = re.compile(
    r"CREATE (?P<kind>CONSTRAINT|INDEX) (?P<name>\w+) IF NOT EXISTS FOR \(n:(?P<label>\w+)\) "
    r"(?:ON|REQUIRE) \(?(?P<props>n\.\w+(?:, n\.\w+)*)\)?(?: IS UNIQUE)?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class SchemaIndex:
    """One range index (of a plain index or a uniqueness constraint) of the schema."""

    name: str
    label: str
    properties: tuple[str, ...]

    @property
    def field(self) -> str:
        """The property Neo4j's message names first (what the online path reports)."""
        return self.properties[0]


def read_indexes(stmts: list[str]) -> tuple[SchemaIndex, ...]:
    """The range indexes the `CREATE` statements of a schema make, plain indexes first.

    A `CREATE` statement of another shape (a text, point or full-text index: other limits)
    is refused, so a schema change cannot slip past the size check unnoticed."""
    plain: list[SchemaIndex] = []
    constraints: list[SchemaIndex] = []
    for stmt in stmts:
        if not stmt.upper().startswith("CREATE"):
            continue
        match = _CREATE.fullmatch(" ".join(stmt.split()))
        if match is None:
            raise ValueError(f"not a range index or uniqueness constraint: {stmt}")
        props = tuple(p.strip()[2:] for p in match["props"].split(","))
        index = SchemaIndex(match["name"], match["label"], props)
        (plain if match["kind"].upper() == "INDEX" else constraints).append(index)
    return (*plain, *constraints)


@functools.cache
def schema_indexes() -> tuple[SchemaIndex, ...]:
    """The range indexes of `cypher/schema.cypher`."""
    return read_indexes(statements(Query.SCHEMA))


def key_size(values: tuple[Any, ...]) -> int | None:
    """The size of the index key of `values` (None: a value is missing, so no key)."""
    size = _NODE_BYTES
    for value in values:
        if value is None:
            return None
        size += _PROPERTY_BYTES
        size += len(value.encode()) if isinstance(value, str) else _OTHER_BYTES
    return size


class KeyCheck:
    """Which index of the schema a node's properties would overflow (indexes looked up per
    label once; a key that cannot be too large is not encoded)."""

    def __init__(self, indexes: tuple[SchemaIndex, ...] | None = None) -> None:
        by_label: dict[str, list[SchemaIndex]] = {}
        for index in schema_indexes() if indexes is None else indexes:
            by_label.setdefault(index.label, []).append(index)
        self._by_label = {label: tuple(found) for label, found in by_label.items()}
        # per label, every property any of its indexes holds: if all of them together (4 bytes
        # a character) make a key within the limit, no index of the label can overflow
        self._union = {
            label: tuple(dict.fromkeys(p for index in found for p in index.properties))
            for label, found in by_label.items()
        }

    def overflow(self, label: str, props: Mapping[str, Any]) -> tuple[SchemaIndex, int] | None:
        """The first index of `label` whose key for `props` is too large, with its size."""
        union = self._union.get(label)
        if union is None:
            return None
        chars = 0
        for name in union:
            value = props.get(name)
            if isinstance(value, str):
                chars += len(value)
            elif value is not None:
                chars += _OTHER_BYTES
        if _NODE_BYTES + len(union) * _PROPERTY_BYTES + _MAX_UTF8 * chars <= KEY_LIMIT:
            return None
        for index in self._by_label[label]:
            bound = _NODE_BYTES
            for name in index.properties:
                value = props.get(name)
                if value is None:
                    break
                bound += _PROPERTY_BYTES + (
                    _MAX_UTF8 * len(value) if isinstance(value, str) else _OTHER_BYTES
                )
            else:
                if bound > KEY_LIMIT:
                    size = key_size(tuple(props[name] for name in index.properties))
                    if size is not None and size > KEY_LIMIT:
                        return index, size
        return None

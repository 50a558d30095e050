"""The index key size the initial load checks (`graph.index_keys`) against the real server.

For every range index of the schema: a key exactly at the limit is stored and one byte more is
refused, with the size Neo4j reports equal to `key_size` and the field and reason the online
path derives from Neo4j's message (`write_failure`) equal to the check's. Strings of 1- to
4-byte UTF-8 characters too. A Neo4j upgrade that moves the limit or the way a key is sized
fails here."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import Driver
from neo4j.exceptions import Neo4jError

from trace_engine.config import Settings
from trace_engine.graph.index_keys import KEY_LIMIT, KeyCheck, SchemaIndex, key_size, schema_indexes
from trace_engine.ingest.write_failure import fails_per_event, too_large_reason, write_failure


def _props(index: SchemaIndex, first_bytes: int, char: str = "x") -> dict[str, Any]:
    """Properties for `index`: short strings, the first property `first_bytes` of UTF-8."""
    assert first_bytes % len(char.encode()) == 0
    props: dict[str, Any] = {name: f"v-{name}" for name in index.properties}
    props[index.field] = char * (first_bytes // len(char.encode()))
    return props


def _at_limit(index: SchemaIndex) -> int:
    """How many bytes the first property may hold with the others' short strings."""
    rest = key_size(tuple(_props(index, 0).values()))
    assert rest is not None
    return KEY_LIMIT - rest


def _create(driver: Driver, database: str, label: str, props: dict[str, Any]) -> Neo4jError | None:
    try:
        # the label comes from the schema file, not from input
        driver.execute_query(f"CREATE (n:{label}) SET n = $props", props=props, database_=database)
    except Neo4jError as exc:
        return exc
    return None


@pytest.mark.parametrize("index", schema_indexes(), ids=lambda index: index.name)
def test_a_key_at_the_limit_is_stored_and_one_byte_more_is_refused_as_the_check_says(
    driver: Driver, settings: Settings, index: SchemaIndex
) -> None:
    check = KeyCheck()
    fits = _props(index, _at_limit(index))
    assert key_size(tuple(fits[n] for n in index.properties)) == KEY_LIMIT
    assert check.overflow(index.label, fits) is None
    assert _create(driver, settings.neo4j_database, index.label, fits) is None

    over = _props(index, _at_limit(index) + 1)
    refused = _create(driver, settings.neo4j_database, index.label, over)
    assert refused is not None and fails_per_event(refused)
    found = check.overflow(index.label, over)
    assert found is not None and found[1] == KEY_LIMIT + 1
    # Neo4j names the first index of the label it checks; the check names the same one
    assert write_failure(refused) == (found[0].field, too_large_reason(found[0].name, found[1]))


@pytest.mark.parametrize("char", ["a", "é", "€", "😀"])
def test_the_limit_is_in_utf8_bytes_whatever_the_characters(
    driver: Driver, settings: Settings, char: str
) -> None:
    step = next(i for i in schema_indexes() if i.name == "event_biz_step")
    width = len(char.encode())
    most = _at_limit(step) // width  # characters that fit
    check = KeyCheck((step,))
    fits = {"bizStep": char * most}
    assert check.overflow("Event", fits) is None
    assert _create(driver, settings.neo4j_database, "Event", fits) is None
    over = {"bizStep": char * (most + 1)}
    refused = _create(driver, settings.neo4j_database, "Event", over)
    assert refused is not None
    size = 8 + 3 + (most + 1) * width
    assert check.overflow("Event", over) == (step, size)
    assert write_failure(refused) == ("bizStep", too_large_reason("event_biz_step", size))


def test_a_node_without_every_property_of_a_composite_index_is_not_in_it(
    driver: Driver, settings: Settings
) -> None:
    composite = next(i for i in schema_indexes() if len(i.properties) > 1)
    alone = {composite.field: "x" * (2 * KEY_LIMIT)}
    assert KeyCheck((composite,)).overflow(composite.label, alone) is None
    assert _create(driver, settings.neo4j_database, composite.label, alone) is None

"""Finding the events Neo4j refuses in a batch (pure: no database), and the reason reported."""

from __future__ import annotations

import math
from typing import Any

from neo4j.exceptions import Neo4jError

from trace_engine.ingest.write_failure import fails_per_event, write_failure
from trace_engine.ingest.writer import _bisect

TOO_LARGE = (
    "Property value is too large to index, please see index documentation for limitations. "
    "Index: Index( id=52, name='event_biz_step', type='RANGE', schema=(:Event {bizStep}), "
    "indexProvider='range-1.0' ), element id: 4:f8:1, property size: 10011."
)


def _error(code: str, message: str) -> Neo4jError:
    return Neo4jError._hydrate_neo4j(code=code, message=message)


def _run(n: int, bad: set[int]) -> tuple[list[tuple[list[int], bool]], int]:
    """Bisect n events of which `bad` fail; return (parts tried last, attempts made)."""
    error = _error("Neo.DatabaseError.Statement.ExecutionFailed", TOO_LARGE)
    attempts = 0

    def attempt(subset: list[tuple[int, Any]]) -> Neo4jError | None:
        nonlocal attempts
        attempts += 1
        return error if any(i in bad for i, _ in subset) else None

    accepted: list[tuple[int, Any]] = [(i, None) for i in range(n)]
    parts = [([i for i, _ in s], exc is not None) for s, exc in _bisect(accepted, error, attempt)]
    return parts, attempts


def test_every_event_is_tried_once_in_document_order_and_only_the_bad_ones_fail() -> None:
    for n, bad in ((1, {0}), (2, {1}), (7, {0, 6}), (100, {3, 50, 51}), (2000, {1999})):
        parts, _ = _run(n, bad)
        assert [i for part, _ in parts for i in part] == list(range(n))
        assert {part[0] for part, failed in parts if failed} == bad
        assert all(len(part) == 1 for part, failed in parts if failed)


def test_one_bad_event_costs_about_two_attempts_per_halving() -> None:
    _, attempts = _run(2000, {1234})
    assert attempts <= 2 * math.ceil(math.log2(2000))


def test_the_reason_names_the_field_and_the_index() -> None:
    error = _error("Neo.DatabaseError.Statement.ExecutionFailed", TOO_LARGE)
    assert fails_per_event(error)
    field, reason = write_failure(error)
    assert field == "bizStep"
    assert reason == (
        "is too large for Neo4j's index event_biz_step (10011 bytes); the event was not stored"
    )


def test_other_refusals_keep_neo4j_s_code_and_message_and_only_statement_errors_are_per_event() -> (
    None
):
    constraint = _error("Neo.ClientError.Schema.ConstraintValidationFailed", "Node(1) already\n x")
    assert fails_per_event(constraint)
    assert write_failure(constraint) == (
        None,
        "Neo4j refused to store the event (Neo.ClientError.Schema.ConstraintValidationFailed): "
        "Node(1) already x",
    )
    for code in (
        "Neo.TransientError.Transaction.DeadlockDetected",
        "Neo.ClientError.Security.Unauthorized",
        "Neo.ClientError.Statement.SyntaxError",
        "Neo.ClientError.Database.DatabaseNotFound",
    ):
        assert not fails_per_event(_error(code, "x")), code

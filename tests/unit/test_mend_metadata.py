"""Mending metadata stored before the bounds (pure): whatever it held, the mended text passes
today's metadata check and keeps every value (as text where JSON clients cannot carry it)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from trace_engine.kit.metadata import METADATA_MAX_DEPTH, mend_metadata, metadata_text


def _nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1, "b": [1, 2.5, "x", None, True]},
        {"n": 2**63 - 1, "m": -(2**63)},
        {"deep": _nested(METADATA_MAX_DEPTH - 2)},
        {},
    ],
)
def test_what_the_bounds_accept_needs_nothing(value: Any) -> None:
    metadata_text(value)
    assert mend_metadata(json.dumps(value)) is None


def test_integers_beyond_64_bits_and_nan_become_their_text() -> None:
    text = '{"n":18446744073709551616,"m":[-18446744073709551617,NaN,Infinity,-Infinity]}'
    mended, done = mend_metadata(text) or ("", [])
    assert json.loads(mended) == {
        "n": "18446744073709551616",
        "m": ["-18446744073709551617", "NaN", "Infinity", "-Infinity"],
    }
    assert done == ["NaN and Infinity kept as strings", "integers beyond 64 bits kept as strings"]
    metadata_text(json.loads(mended))


@pytest.mark.parametrize("depth", [METADATA_MAX_DEPTH, 33, 300, 900])
def test_levels_below_the_limit_become_json_text_and_read_back_whole(depth: int) -> None:
    original = {"x": _nested(depth, {"leaf": 2**70})}
    mended, done = mend_metadata(json.dumps(original)) or ("", [])
    assert done == [f"levels below {METADATA_MAX_DEPTH} kept as JSON text"]
    value = json.loads(mended)
    metadata_text(value)  # passes today's bounds
    inner = value["x"]  # at depth 2; the container at depth 32 became its JSON text
    for _ in range(METADATA_MAX_DEPTH - 2):
        inner = inner[0]
    assert isinstance(inner, str)
    # the text is the original subtree there, big integer included
    assert json.loads(inner) == _nested(depth - (METADATA_MAX_DEPTH - 2), {"leaf": 2**70})


def test_text_that_is_not_json_is_left_alone() -> None:
    assert mend_metadata("{not json") is None
    assert mend_metadata("[" * 5000 + "]" * 5000) is None  # deeper than any parser reads

"""The records' input and output models: names, unknown fields, nulls and the metadata limit."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from trace_engine.kit.metadata import METADATA_MAX_BYTES
from trace_engine.records.schemas import (
    TraceabilityRecordCreate,
    TraceabilityRecordUpdate,
    public_record,
    stored_value,
)

REQUIRED = {"productId": "SKU", "batchNumber": "B", "origin": "O"}


def _errors(model: type[Any], data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [(".".join(map(str, e["loc"])), e["type"]) for e in info.value.errors()]


def test_camel_and_snake_case_are_the_same() -> None:
    camel = TraceabilityRecordCreate.model_validate(REQUIRED | {"isCompliant": True})
    snake = TraceabilityRecordCreate.model_validate(
        {"product_id": "SKU", "batch_number": "B", "origin": "O", "is_compliant": True}
    )
    assert camel == snake


def test_unknown_fields_are_refused_and_read_only_ones_dropped() -> None:
    assert _errors(TraceabilityRecordCreate, REQUIRED | {"colour": "red"}) == [
        ("colour", "extra_forbidden")
    ]
    echoed = REQUIRED | {"id": "x", "createdAt": "t", "updated_at": "t"}
    assert TraceabilityRecordCreate.model_validate(echoed).model_fields_set == {
        "product_id", "batch_number", "origin",
    }  # fmt: skip
    assert _errors(TraceabilityRecordCreate, REQUIRED | {"batch_number": "C"}) == [
        ("", "duplicate_field")
    ]


def test_types_are_strict() -> None:
    assert ("isCompliant", "bool_type") in _errors(
        TraceabilityRecordCreate, REQUIRED | {"isCompliant": "true"}
    )
    assert _errors(TraceabilityRecordCreate, REQUIRED | {"origin": 5})[0][0] == "origin"
    ok = TraceabilityRecordCreate.model_validate(REQUIRED | {"supplierId": 7, "userId": "u"})
    assert stored_value("supplier_id", ok.supplier_id) == "7"


def test_update_tracks_given_fields_and_refuses_null_required() -> None:
    update = TraceabilityRecordUpdate.model_validate({"notes": None, "is_compliant": None})
    assert update.model_fields_set == {"notes", "is_compliant"}
    assert stored_value("is_compliant", update.is_compliant) is False
    assert stored_value("notes", update.notes) is None
    for field in ("productId", "batch_number", "origin"):
        assert _errors(TraceabilityRecordUpdate, {field: None})[0][1] == "required_not_null"


def test_metadata_limit_and_round_trip() -> None:
    fits = {"b": "x" * (METADATA_MAX_BYTES - len('{"b":""}'))}
    TraceabilityRecordCreate.model_validate(REQUIRED | {"metadata": fits})
    too_big = {"b": fits["b"] + "é"}
    assert _errors(TraceabilityRecordCreate, REQUIRED | {"metadata": too_big}) == [
        ("metadata", "metadata_too_large")
    ]
    assert _errors(TraceabilityRecordCreate, REQUIRED | {"metadata": {"n": float("nan")}}) == [
        ("metadata", "metadata_not_json")
    ]
    metadata = {"z": [1, 2.5, None], "a": {"ü": True}}
    props = {"id": "r", "productId": "SKU", "batchNumber": "B", "origin": "O", "createdAt": "t",
             "updatedAt": "t", "metadata": stored_value("metadata", metadata)}  # fmt: skip
    dto = public_record(props).model_dump(by_alias=True)
    assert dto["metadata"] == metadata and list(dto["metadata"]) == ["z", "a"]
    assert dto["isCompliant"] is False and dto["supplierId"] is None

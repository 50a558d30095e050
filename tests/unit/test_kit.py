"""The shared kit: one answer to one mistake, whichever domain the body belongs to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from trace_engine.identifiers import ALL_KINDS, resolve_key
from trace_engine.journeys.schemas import JourneyCreate, JourneyUpdate, StageUpdate
from trace_engine.kit.metadata import METADATA_MAX_BYTES, metadata_text, metadata_value
from trace_engine.kit.paging import page_count, skip
from trace_engine.kit.timestamps import now_utc, utc_millis, utc_millis_of_text
from trace_engine.masterdata import FacilityUpdate
from trace_engine.records.schemas import TraceabilityRecordCreate, TraceabilityRecordUpdate

RECORD = {"productId": "SKU", "batchNumber": "B", "origin": "O"}


def _errors(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [(".".join(map(str, e["loc"])), e["type"], e["msg"]) for e in info.value.errors()]


def test_timestamps_are_utc_text_with_milliseconds() -> None:
    moment = datetime(2026, 4, 21, 12, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert utc_millis(moment) == "2026-04-21T10:00:00.123Z"
    # the year in four digits on either side of 1000 (tests/unit/test_timestamps.py: all)
    assert utc_millis(datetime(1000, 1, 1, 0, 0, 0, 999999, UTC)) == "1000-01-01T00:00:00.999Z"
    assert utc_millis(datetime(999, 1, 1, tzinfo=UTC)) == "0999-01-01T00:00:00.000Z"
    assert utc_millis_of_text("2026-04-21T12:00:00.5+02:00") == "2026-04-21T10:00:00.500Z"
    with pytest.raises(ValueError, match="time zone"):
        utc_millis(datetime(2026, 4, 21))
    with pytest.raises(ValueError, match="time zone"):
        utc_millis_of_text("2026-04-21T12:00:00")
    now = now_utc()
    assert len(now) == 24 and now.endswith("Z")
    assert abs(datetime.fromisoformat(now) - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_field_under_both_names_gets_one_answer_everywhere() -> None:
    journey = {"traceabilityName": "J", "traceability_name": "J"}
    record = RECORD | {"batch_number": "C"}
    facility = {"name": "a"} | {"type": "x"} | {"address": {"postalCode": "1", "postal_code": "1"}}
    (j,) = _errors(JourneyCreate, journey)
    (r,) = _errors(TraceabilityRecordCreate, record)
    (f,) = _errors(FacilityUpdate, facility)
    assert j[1] == r[1] == f[1] == "duplicate_field"


def test_an_unknown_field_gets_one_answer_everywhere() -> None:
    answers = {
        _errors(JourneyCreate, {"traceabilityName": "J", "colour": 1})[0][1:],
        _errors(TraceabilityRecordCreate, RECORD | {"colour": 1})[0][1:],
        _errors(FacilityUpdate, {"colour": 1})[0][1:],
    }
    assert len(answers) == 1


def test_an_explicit_null_gets_one_answer_everywhere() -> None:
    answers = {
        _errors(JourneyUpdate, {"traceabilityName": None})[0][1:],
        _errors(StageUpdate, {"stageName": None})[0][1:],
        _errors(TraceabilityRecordUpdate, {"origin": None})[0][1:],
    }
    assert answers == {("required_not_null", "a required field cannot be null")}


def test_metadata_has_one_limit_for_records_and_journeys() -> None:
    fits = {"b": "x" * (METADATA_MAX_BYTES - len('{"b":""}'))}
    too_big = {"b": fits["b"] + "x"}
    assert len(metadata_text(fits).encode()) == METADATA_MAX_BYTES
    JourneyCreate.model_validate({"traceabilityName": "J", "metadata": fits})
    TraceabilityRecordCreate.model_validate(RECORD | {"metadata": fits})
    for model, base in (
        (JourneyCreate, {"traceabilityName": "J"}),
        (TraceabilityRecordCreate, RECORD),
    ):
        ((field, kind, _),) = _errors(model, base | {"metadata": too_big})
        assert (field, kind) == ("metadata", "metadata_too_large")
    assert metadata_value(metadata_text({"é": [1, None]})) == {"é": [1, None]}
    assert metadata_value(None) is None


def test_paging() -> None:
    assert skip(1, 20) == 0 and skip(3, 20) == 40
    assert page_count(0, 20) == 0 and page_count(41, 20) == 3 and page_count(5, 0) == 0


@pytest.mark.parametrize(
    ("value", "kinds", "options", "key"),
    [
        ("urn:epc:id:sgln:4012345.00001.0", ("location",), {}, "414/4012345000016"),
        ("urn:epc:id:sgln:4012345.00001.0", ("product",), {}, None),
        ("urn:epc:class:lgtin:4012345.012345.L1", ("product",), {}, None),
        ("urn:epc:class:lgtin:4012345.012345.L1", ("instance",), {}, "01/04012345123456/10/L1"),
        (
            "urn:epc:class:lgtin:4012345.012345.L1",
            ("product",),
            {"instances_as_products": True},
            "01/04012345123456",
        ),
        # an SSCC has no product class: it keeps its own key only where instances are wanted
        ("urn:epc:id:sscc:4012345.0000000001", ("product",), {"instances_as_products": True}, None),
        (
            "urn:epc:id:sscc:4012345.0000000001",
            tuple(ALL_KINDS),
            {"instances_as_products": True},
            "00/040123450000000016",
        ),
        ("4012345123456", ("product",), {}, None),
        ("4012345123456", ("product",), {"bare_gtin": True}, "01/04012345123456"),
        ("  urn:epc:id:sgln:4012345.00001.0 ", ("location",), {}, "414/4012345000016"),
        ("not an identifier", tuple(ALL_KINDS), {}, None),
        (None, tuple(ALL_KINDS), {}, None),
    ],
)
def test_resolve_key_with_explicit_kinds(
    value: str | None, kinds: tuple[Any, ...], options: dict[str, bool], key: str | None
) -> None:
    assert resolve_key(value, *kinds, **options) == key

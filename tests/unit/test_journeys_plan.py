"""Journey logic that needs no database: input forms, bulk-upsert planning, facets."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from pydantic import ValidationError

from trace_engine.identifiers import resolve_key
from trace_engine.journeys.planner import check_company, facet_counts, plan_upsert, totals_agree
from trace_engine.journeys.schemas import StageCreate, StageUpdate

NOW = "2026-04-21T10:00:00.000Z"


def _existing(seq: int, ident: str, **fields: Any) -> dict[str, Any]:
    return {"id": ident, "sequenceOrder": seq, "stageName": ident, "distanceKm": 1.0,
            "co2Emissions": 0.5, "createdAt": "then", "updatedAt": "then"} | fields  # fmt: skip


def _plan(existing: list[dict[str, Any]], items: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    ids = (f"new-{n}" for n in itertools.count(1))
    return plan_upsert("j-1", "org", "user", existing, items, NOW, new_id=lambda: next(ids))


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("ROAD", "TRUCK"),
        ("sea", "SHIP"),
        ("Rail", "TRAIN"),
        ("AIR", "PLANE"),
        ("TRUCK", "TRUCK"),
        ("plane", "PLANE"),
    ],  # fmt: skip
)
def test_transport_modes_of_both_documents(given: str, stored: str) -> None:
    assert StageCreate.model_validate(
        {"stageName": "x", "transportMode": given}
    ).transport_mode == (stored)


def test_snake_case_and_integer_ids_are_accepted() -> None:
    stage = StageCreate.model_validate(
        {"stage_name": "Spinning", "supplier_id": 5, "company_type": "supplier",
         "internal_process": False, "sequence_order": 2}
    )  # fmt: skip
    dumped = stage.model_dump(by_alias=True, exclude_unset=True)
    assert dumped == {"stageName": "Spinning", "supplierId": "5", "companyType": "SUPPLIER",
                      "internalProcess": "false", "sequenceOrder": 2}  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stageName": "x", "distanceKm": -0.1}, "distanceKm"),
        ({"stageName": "x", "co2Emissions": -1}, "co2Emissions"),
        ({"stageName": "x", "sequenceOrder": 0}, "sequenceOrder"),
        ({"stageName": "x", "transportMode": "BIKE"}, "transportMode"),
        ({"stageName": "x", "distanceKm": "nan"}, "distanceKm"),
        ({"stageName": "x", "unknown": 1}, "unknown"),
    ],  # fmt: skip
)
def test_invalid_stage_fields_are_named(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        StageCreate.model_validate(body)
    assert info.value.errors()[0]["loc"] == (field,)


def test_an_update_may_leave_out_but_not_null_required_fields() -> None:
    assert StageUpdate.model_validate({}).model_dump(exclude_unset=True) == {}
    for field in ("stageName", "sequenceOrder", "distanceKm", "co2Emissions"):
        with pytest.raises(ValidationError):
            StageUpdate.model_validate({field: None})
    assert StageUpdate.model_validate({"supplierId": None}).model_dump(exclude_unset=True) == {
        "supplier_id": None
    }


def test_company_type_needs_its_id() -> None:
    assert check_company({"companyType": "SUPPLIER"}) == (
        "supplierId",
        "required when companyType is SUPPLIER",
    )
    assert check_company({"companyType": "COMPANY", "supplierId": "s"})[0] == "companyId"  # type: ignore[index]
    assert check_company({"companyType": "COMPANY", "companyId": "c"}) is None
    assert check_company({"supplierId": "s"}) is None


def test_canonical_keys_where_values_parse() -> None:
    assert resolve_key("urn:epc:id:sgln:4012345.00001.0", "location") == "414/4012345000016"
    assert resolve_key("3f2b9a1c-supplier", "location") is None
    assert resolve_key(
        "urn:epc:idpat:sgtin:4012345.012345.*", "product", instances_as_products=True
    ) == ("01/04012345123456")
    assert resolve_key(
        "urn:epc:class:lgtin:4012345.012345.L1", "product", instances_as_products=True
    ) == ("01/04012345123456")
    assert (
        resolve_key("urn:epc:id:sgln:4012345.00001.0", "product", instances_as_products=True)
        is None
    )
    assert resolve_key(None, "product", instances_as_products=True) is None


def test_plan_updates_by_id_then_by_sequence_else_creates() -> None:
    existing = [_existing(1, "a"), _existing(2, "b")]
    plan = _plan(
        existing,
        [
            {"id": "b", "distanceKm": 7},
            {"sequenceOrder": 1, "stageName": "A again"},
            {"sequenceOrder": 5, "stageName": "new"},
            {"stageName": "appended"},
            {"sequenceOrder": 5, "stageName": "new renamed"},
        ],
    )
    assert (plan.created, plan.updated, plan.errors) == (2, 3, [])
    by_id = {s["id"]: s for s in plan.writes}
    assert by_id["b"]["distanceKm"] == 7 and by_id["b"]["createdAt"] == "then"
    assert by_id["a"]["stageName"] == "A again" and by_id["a"]["updatedAt"] == NOW
    assert by_id["new-1"]["stageName"] == "new renamed"  # the later item updated it
    assert by_id["new-2"]["sequenceOrder"] == 6
    assert by_id["new-1"]["traceabilityId"] == "j-1" and by_id["new-1"]["org"] == "org"
    assert by_id["new-1"]["distanceKm"] == 0.0


def test_plan_lists_each_failure_with_index_and_field_and_skips_it() -> None:
    existing = [_existing(1, "a"), _existing(2, "b")]
    plan = _plan(
        existing,
        [
            {"id": "zzz", "stageName": "x"},
            {"id": "a", "sequenceOrder": 2},
            {"sequenceOrder": 3},
            {"sequenceOrder": 3, "stageName": "x", "companyType": "COMPANY"},
            {"sequenceOrder": 3, "stageName": "x", "distanceKm": -1},
            {"id": "a", "sequenceOrder": 9},
            {"sequenceOrder": 1, "stageName": "takes the freed 1"},
        ],
    )
    assert [(e.index, e.field) for e in plan.errors] == [
        (0, "id"),
        (1, "sequenceOrder"),
        (2, "stageName"),
        (3, "companyId"),
        (4, "distanceKm"),
    ]
    assert (plan.created, plan.updated) == (1, 1)
    orders = sorted((s["sequenceOrder"], s["stageName"]) for s in plan.writes)
    assert orders == [(1, "takes the freed 1"), (9, "a")]


def test_sequence_orders_stay_unique_whatever_the_plan() -> None:
    existing = [_existing(n, f"s{n}") for n in range(1, 6)]
    items = [{"id": f"s{n}", "sequenceOrder": 6 - n} for n in range(1, 6)]
    items += [{"sequenceOrder": n % 4 + 1, "stageName": "x"} for n in range(8)]
    plan = _plan(existing, items)
    final = {s["id"]: s for s in existing} | {s["id"]: s for s in plan.writes}
    orders = [s["sequenceOrder"] for s in final.values()]
    assert len(orders) == len(set(orders))
    assert plan.created + plan.updated + len(plan.errors) == len(items)


def test_facets_count_each_facet_under_the_other_facets_filter() -> None:
    rows = [
        {"clientId": "c1", "compositionId": "k1", "n": 2},
        {"clientId": "c1", "compositionId": None, "n": 1},
        {"clientId": "c2", "compositionId": "k1", "n": 4},
        {"clientId": None, "compositionId": "k2", "n": 3},
    ]
    total, facets = facet_counts(rows, (), ())
    assert total == 10
    assert [(f.value, f.count) for f in facets.client_ids] == [("c2", 4), ("c1", 3)]
    assert [(f.value, f.count) for f in facets.composition_ids] == [("k1", 6), ("k2", 3)]
    total, facets = facet_counts(rows, ("c1",), ("k1",))
    assert total == 2
    assert [(f.value, f.count) for f in facets.client_ids] == [("c2", 4), ("c1", 2)]
    assert [(f.value, f.count) for f in facets.composition_ids] == [("k1", 2)]


def test_totals_agree_tolerates_float_order_only() -> None:
    stages = [{"distanceKm": 0.1, "co2Emissions": 0.2}] * 10
    assert totals_agree({"totalDistanceKm": 1.0, "totalCo2PerKg": 2.0}, stages)
    assert not totals_agree({"totalDistanceKm": 1.1, "totalCo2PerKg": 2.0}, stages)
    assert totals_agree({"totalDistanceKm": 0.0, "totalCo2PerKg": 0.0}, [])

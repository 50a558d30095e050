"""A named query's `query` object → EventQuery: GS1's query-schema.json, then the URL parser."""

from __future__ import annotations

from typing import Any

import pytest

from trace_engine.epcis_query.params import parse_query
from trace_engine.errors import QueryParameterError
from trace_engine.named_queries.query_object import pairs_of, validate


@pytest.mark.parametrize(
    ("query", "url"),
    [
        ({"EQ_bizStep": ["shipping", "receiving"]}, [("EQ_bizStep", "shipping|receiving")]),
        ({"GE_eventTime": "2024-01-01T00:00:00+02:00"},
         [("GE_eventTime", "2024-01-01T00:00:00+02:00")]),
        ({"GE_errorDeclaration_Time": "2024-01-01T00:00:00Z"},
         [("GE_errorDeclarationTime", "2024-01-01T00:00:00Z")]),
        ({"EXISTS_errorDeclaration": None}, [("EXISTS_errorDeclaration", "")]),
        ({"EQ_example:lot": ["A1"], "GE_quantity": 2.5},
         [("EQ_example:lot", "A1"), ("GE_quantity", "2.5")]),
        ({"MATCH_anyEPC": ["urn:epc:id:sgtin:4012345.011111.1001"], "orderBy": "recordTime"},
         [("MATCH_anyEPC", "urn:epc:id:sgtin:4012345.011111.1001"), ("orderBy", "recordTime")]),
    ],
)  # fmt: skip
def test_a_query_object_means_what_the_same_url_parameters_mean(
    query: dict[str, Any], url: list[tuple[str, str]]
) -> None:
    assert validate(query) == parse_query(url)


def test_list_items_become_one_pair_each() -> None:
    assert pairs_of({"eventType": ["ObjectEvent", "TransformationEvent"]}) == [
        ("eventType", "ObjectEvent"),
        ("eventType", "TransformationEvent"),
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ([], "query"),
        ({"bogus": ["x"]}, "query.bogus"),
        ({"EQ_bizStep": "shipping"}, "query.EQ_bizStep"),
        ({"EQ_action": ["ADD", "JUMP"]}, "query.EQ_action[1]"),
        ({"LT_recordTime": "tomorrow"}, "query.LT_recordTime"),
        ({"EQ_bizStep": []}, "query.EQ_bizStep"),
        ({"EQ_ex:grade": ["A|B"]}, "query.EQ_ex:grade"),
        ({"MATCH_epc": ["urn:epc:id:sgtin:x"]}, "query.MATCH_epc"),
        ({"eventCountLimit": 3}, "query.eventCountLimit"),
        ({"EQ_deviceID": ["urn:x:1"]}, "query.EQ_deviceID"),
    ],
)
def test_a_refused_query_names_the_parameter(query: Any, field: str) -> None:
    with pytest.raises(QueryParameterError) as caught:
        validate(query)
    assert caught.value.parameter == field, caught.value

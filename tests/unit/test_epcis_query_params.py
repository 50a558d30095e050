"""The EPCIS query string parser, planner choices and page tokens (pure, no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trace_engine.epcis_query import tokens
from trace_engine.epcis_query.params import parse_query
from trace_engine.epcis_query.planner import has_residual, plan
from trace_engine.epcis_query.schemas import Direction, OrderBy, Position
from trace_engine.errors import QueryParameterError
from trace_engine.identifiers import parse_identifier, to_digital_link, to_epc_urn


def test_every_identifier_form_gives_the_same_keys() -> None:
    forms = [
        "urn:epc:id:sgtin:0614141.107346.2017",
        "https://id.gs1.org/01/10614141073464/21/2017",
        "https://brand.example.com/01/10614141073464/21/2017",
    ]
    matches = {parse_query([("MATCH_epc", f)]).match_epc for f in forms}
    assert len(matches) == 1


def test_patterns_become_prefixes() -> None:
    q = parse_query([("MATCH_epc", "urn:epc:idpat:sgtin:0614141.107346.*")])
    assert q.match_epc is not None
    assert q.match_epc.prefixes == ("01/10614141073464/21/",)
    c = parse_query([("MATCH_epcClass", "urn:epc:idpat:sgtin:0614141.107346.*")])
    assert c.match_epc_class is not None
    assert c.match_epc_class.keys == ("01/10614141073464",)
    assert c.match_epc_class.prefixes == ("01/10614141073464/10/",)


def test_values_are_normalised() -> None:
    q = parse_query(
        [
            ("EQ_bizStep", "shipping|https://ref.gs1.org/cbv/BizStep-receiving"),
            ("GE_eventTime", "2024-01-31T12:00:00+02:00"),
            ("orderDirection", "asc"),
            ("orderBy", "recordTime"),
        ]
    )
    assert q.biz_steps == (
        "urn:epcglobal:cbv:bizstep:shipping",
        "urn:epcglobal:cbv:bizstep:receiving",
    )
    assert q.ge_event_time == "2024-01-31T10:00:00.000Z"
    assert q.order_direction is Direction.ASC and q.order_by is OrderBy.RECORD_TIME


@pytest.mark.parametrize(
    ("pairs", "parameter"),
    [
        ([("nope", "1")], "nope"),
        ([("EQ_action", "MOVE")], "EQ_action"),
        ([("GE_eventTime", "soon")], "GE_eventTime"),
        (
            [("GE_eventTime", "2024-01-01T00:00:00Z"), ("GE_eventTime", "2024-01-02T00:00:00Z")],
            "GE_eventTime",
        ),
        ([("eventCountLimit", "5")], "eventCountLimit"),
        ([("maxEventCount", "-1")], "maxEventCount"),
        ([("maxEventCount", "9" * 5000)], "maxEventCount"),
        ([("LT_eventTime", "0001-01-01T00:00:00+14:00")], "LT_eventTime"),
        ([("MATCH_anyEPC", "https://id.gs1.org/01/12345678901234/21/1")], "MATCH_anyEPC"),
        ([("EQ_fieldWithoutNamespace", "x")], "EQ_fieldWithoutNamespace"),
        ([("EQ_type", "Temperature")], "EQ_type"),
    ],
)
def test_refusals_name_the_parameter(pairs: list[tuple[str, str]], parameter: str) -> None:
    with pytest.raises(QueryParameterError) as caught:
        parse_query(pairs)
    assert caught.value.parameter == parameter


@given(st.lists(st.tuples(st.text(max_size=30), st.text(max_size=60)), max_size=6))
def test_no_input_escapes_as_anything_but_a_parameter_error(pairs: list[tuple[str, str]]) -> None:
    try:
        q = parse_query(pairs)
    except QueryParameterError:
        return
    # whatever parsed plans into a statement made of the fragment files only
    statement = plan(q, ["demo"], None, 10)
    for _, value in pairs:
        if len(value) > 3 and value not in ("true",):
            assert value not in statement.text


def test_residual_filters_are_known() -> None:
    assert not has_residual(
        parse_query(
            [("EQ_bizStep", "shipping"), ("MATCH_epc", "urn:epc:id:sgtin:0614141.107346.1")]
        )
    )
    assert has_residual(parse_query([("EQ_quantity", "3")]))
    assert has_residual(parse_query([("EXISTS_ex:f", "")]))


def test_tokens_are_bound_to_org_and_query() -> None:
    secret = b"k" * 32
    token, _ = tokens.issue(secret, "acme", "q1", Position("2024", "urn:uuid:1", "acme"), 4, 60)
    state = tokens.read(secret, token, "acme", "q1")
    assert state.position == Position("2024", "urn:uuid:1", "acme") and state.returned == 4
    for org, digest, key in (("rival", "q1", secret), ("acme", "q2", secret), ("acme", "q1", b"x")):
        with pytest.raises(QueryParameterError):
            tokens.read(key, token, org, digest)
    expired, _ = tokens.issue(secret, "acme", "q1", Position("2024", "i", "acme"), 0, -5)
    with pytest.raises(QueryParameterError):
        tokens.read(secret, expired, "acme", "q1")


@pytest.mark.parametrize(
    "raw",
    [
        "urn:epc:id:sgtin:0614141.107346.2017",
        "urn:epc:class:lgtin:4012345.012345.998877",
        "urn:epc:id:sscc:0614141.1234567890",
        "urn:epc:id:sgln:0614141.00888.0",
        "urn:epc:id:sgln:4012345.00002.12",
        "urn:epc:id:pgln:4012345.00225",
        "urn:epc:id:grai:4012345.55555.987",
        "urn:epc:id:giai:4000001.12345",
    ],
)
def test_identifier_forms_round_trip(raw: str) -> None:
    ident = parse_identifier(raw)
    link = to_digital_link(ident)
    assert link is not None and parse_identifier(link).key == ident.key
    back = to_epc_urn(parse_identifier(link))
    assert back is not None and parse_identifier(back).key == ident.key

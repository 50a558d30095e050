"""The `:param` header of a `.cypher` file, read as Neo4j Browser reads it."""

from __future__ import annotations

import pytest

from trace_engine.guides.params import (
    MalformedParamLine,
    Param,
    description,
    documented_params,
    params_command,
    statement,
)

FILE = """// The stores a lot reached.
// Start of a recall list.
// :param productId => 'urn:epc:class:lgtin:0860002.010001.PVG240502R'
//   :param  depth=>3
MATCH (n {id: $productId}) // a trailing comment stays
RETURN n
"""


def test_the_header_lines_are_the_parameters_in_order() -> None:
    assert documented_params(FILE) == [
        Param("productId", "'urn:epc:class:lgtin:0860002.010001.PVG240502R'"),
        Param("depth", "3"),
    ]


def test_one_command_sets_them_all() -> None:
    assert params_command(documented_params(FILE)) == (
        ":params {productId: 'urn:epc:class:lgtin:0860002.010001.PVG240502R', depth: 3}"
    )


def test_the_statement_and_the_description() -> None:
    assert statement(FILE) == "MATCH (n {id: $productId}) // a trailing comment stays\nRETURN n"
    assert description(FILE) == "The stores a lot reached. Start of a recall list."


@pytest.mark.parametrize(
    "line",
    [
        "// :param org => 'coop', status => null",  # two on a line: Browser takes one
        "// :param key, id, org => 'x'",
        "// :param productId",
        "// set it with :param productId => …",
    ],
)
def test_a_line_that_mentions_param_in_another_shape_is_refused(line: str) -> None:
    with pytest.raises(MalformedParamLine, match="line 1"):
        documented_params(line + "\nRETURN 1")

"""The `:param` header of a `.cypher` file: the parameters it runs with, as Browser reads them.

A file documents each parameter on its own comment line, in Neo4j Browser's syntax, with a
value that makes it run on the recall demo:

    // :param productId => 'urn:epc:class:lgtin:0860002.010001.PVG240502R'

Browser evaluates the right-hand side as a Cypher expression; so do the tests
(tests/integration/test_cypher_params.py), which run every file with its header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PARAM_LINE = re.compile(r"^\s*//\s*:param\s+(?P<name>[A-Za-z_]\w*)\s*=>\s*(?P<value>\S.*?)\s*$")
MENTION = re.compile(r":param\b")


@dataclass(frozen=True, slots=True)
class Param:
    """One documented parameter: its name and a Cypher expression for its value."""

    name: str
    value: str


class MalformedParamLine(ValueError):
    """A comment line mentions `:param` but is not `// :param name => <Cypher expression>`."""


def documented_params(text: str) -> list[Param]:
    """The `// :param name => value` lines of a file, in order; a line that mentions `:param`
    in another shape is refused, so a header cannot silently document nothing."""
    params: list[Param] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped.startswith("//") or not MENTION.search(stripped):
            continue
        match = PARAM_LINE.match(stripped)
        if match is None or "=>" in match["value"]:
            raise MalformedParamLine(
                f"line {number}: {stripped!r} is not `// :param name => <Cypher expression>` "
                "(one parameter per line, as Neo4j Browser reads it)"
            )
        params.append(Param(match["name"], match["value"]))
    return params


def statement(text: str) -> str:
    """The file without its comment lines: what an analyst runs."""
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("//")]
    return "\n".join(lines).strip()


def description(text: str) -> str:
    """The leading comment of a file, as one paragraph, without its `:param` lines."""
    words: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("//"):
            if stripped:
                break
            continue
        if MENTION.search(stripped):
            continue
        words.append(stripped.lstrip("/").strip())
    return " ".join(w for w in words if w)


def params_command(params: list[Param]) -> str:
    """One Browser command setting them all: `:params {name: value, …}`."""
    return ":params {" + ", ".join(f"{p.name}: {p.value}" for p in params) + "}"

"""Every Cypher file has a name in the catalog, every name has a file, and every name is used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trace_engine.graph.catalog import Query, query

ROOT = Path(__file__).resolve().parents[2]
CYPHER = ROOT / "cypher"
# where the code that runs statements lives (bench/ and tests/ run `counts` to check loads)
CODE = [ROOT / "trace_engine", ROOT / "api", ROOT / "bench", ROOT / "tests"]


def _files() -> set[str]:
    return {p.relative_to(CYPHER).with_suffix("").as_posix() for p in CYPHER.rglob("*.cypher")}


def test_every_cypher_file_has_a_name_and_every_name_a_file() -> None:
    names = {q.value for q in Query}
    assert sorted(_files() - names) == [], "files without a Query member"
    assert sorted(names - _files()) == [], "Query members without a file"


def test_member_names_follow_the_file_names() -> None:
    for q in Query:
        assert q.name == q.value.replace("/", "_").upper(), q


def test_every_name_is_used() -> None:
    sources = "\n".join(
        p.read_text(encoding="utf-8")
        for folder in CODE
        for p in folder.rglob("*.py")
        if p.name not in {"catalog.py", "test_catalog.py"}
    )
    used = set(re.findall(r"\bQuery\.([A-Z0-9_]+)\b", sources))
    # the analyst queries are for people in Neo4j Browser; test_analyst_queries runs them all
    unused = [q.name for q in Query if q.name not in used and not q.value.startswith("analyst/")]
    assert unused == []
    assert used <= set(Query.__members__), "a Query member that does not exist is referenced"


def test_every_statement_loads_from_the_package() -> None:
    for q in Query:
        assert query(q).strip(), q


def test_a_plain_string_is_refused() -> None:
    with pytest.raises(TypeError, match="Query member"):
        query("trace")  # type: ignore[arg-type]

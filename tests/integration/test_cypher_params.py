"""Every query of the analysts' Neo4j Browser guide runs on the recall demo and returns rows,
and every `.cypher` file runs as it is after its documented `:param` lines.

Parameters are evaluated the way Neo4j Browser evaluates `:param name => expression`: as a
Cypher expression (`RETURN expression`). Engine statements run in a transaction that is rolled
back, so a write leaves the demo as it was for the next file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver

from trace_engine.config import Settings
from trace_engine.epcis import parse_json
from trace_engine.graph.catalog import Query, query
from trace_engine.guides.analyst import TITLE, guide_queries
from trace_engine.guides.params import Param, documented_params, statement
from trace_engine.ingest import Ingestor

ROOT = Path(__file__).resolve().parents[2]
PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")


@pytest.fixture
def recall_demo(driver: Driver, settings: Settings) -> None:
    document = parse_json((ROOT / "seed" / "recall-demo" / "events.jsonld").read_bytes())
    outcome = Ingestor(driver, settings.neo4j_database).capture(document, settings.default_org)
    assert outcome.rejected == 0


def evaluate(driver: Driver, settings: Settings, expression: str) -> Any:
    """What Browser's `:param x => expression` sets x to."""
    records, _, _ = driver.execute_query(
        f"RETURN {expression} AS value", database_=settings.neo4j_database
    )
    return records[0]["value"]


def run_rolled_back(
    driver: Driver, settings: Settings, text: str, params: dict[str, Any]
) -> list[Any]:
    """Run each `;`-separated statement of `text` in its own transaction (a schema change and a
    write may not share one), each rolled back."""
    rows: list[Any] = []
    with driver.session(database=settings.neo4j_database) as session:
        for part in (p.strip() for p in statement(text).split(";")):
            if not part:
                continue
            tx = session.begin_transaction()
            try:
                rows += list(tx.run(part, params))
            finally:
                tx.rollback()
    return rows


def statement_of(name: Query) -> tuple[str, list[Param]]:
    """The statement a file is, with the parameters documented for it. A fragment of an EPCIS
    events query runs in the smallest statement the planner builds with it
    (cypher/epcis_query/README.md: one `anchor_*`, any `filter_*` / `after_*` lines, one
    `order_*` tail)."""
    stem = name.value.removeprefix("epcis_query/")
    parts = [name]
    if name.value.startswith("epcis_query/"):
        anchor = Query("epcis_query/anchor_event_time")
        tail = Query("epcis_query/order_event_time_asc")
        if stem.startswith("anchor_"):
            parts = [name, tail]
        elif stem.startswith(("filter_", "after_")):
            parts = [anchor, name, tail]
        elif stem.startswith("order_"):
            parts = [anchor, name]
    text = "\n".join(statement(query(part)) for part in parts)
    documented = {p.name: p for part in parts for p in documented_params(query(part))}
    return text, list(documented.values())


@pytest.mark.parametrize("name", list(Query), ids=lambda q: q.value)
def test_every_cypher_file_runs_after_its_documented_params(
    driver: Driver, settings: Settings, recall_demo: None, name: Query
) -> None:
    text, documented = statement_of(name)
    used = set(PARAMETER.findall(text))
    missing = sorted(used - {p.name for p in documented})
    assert not missing, (
        f"cypher/{name.value}.cypher uses ${', $'.join(missing)} without a header line "
        "`// :param name => <Cypher value>` (a value that runs on the recall demo)"
    )
    params = {p.name: evaluate(driver, settings, p.value) for p in documented}
    run_rolled_back(driver, settings, text, params)


class _Runnable(HTMLParser):
    """The text of every `<pre class="runnable">`, and the slide titles, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self.titles: list[str] = []
        self._in: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if (tag == "pre" and "runnable" in classes) or tag == "h3":
            self._in, self._text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            text = "".join(self._text).strip()
            (self.blocks if tag == "pre" else self.titles).append(text)
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text.append(data)


async def test_the_guide_is_served_as_browser_fetches_it(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    anonymous = make_client(anonymous=True)
    # Browser's fetch: from its own origin, with pragma and cache-control (so a preflight)
    preflight = await anonymous.options(
        "/guides/analyst",
        headers={
            "Origin": "http://127.0.0.1:7474",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "pragma,cache-control",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "cache-control" in preflight.headers["access-control-allow-headers"]
    guide = await anonymous.get(
        "/guides/analyst",
        headers={"Origin": "http://127.0.0.1:7474", "pragma": "no-cache"},
    )
    assert guide.status_code == 200
    assert guide.headers["content-type"].startswith("text/html")
    assert guide.headers["access-control-allow-origin"] == "*"
    assert f"<title>{TITLE}</title>" in guide.text
    assert guide.text.count("<slide") == guide.text.count("</slide>") >= 10


async def test_every_query_of_the_guide_runs_on_the_demo_and_returns_rows(
    driver: Driver,
    settings: Settings,
    recall_demo: None,
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    guide = await make_client(anonymous=True).get("/guides/analyst")
    parsed = _Runnable()
    parsed.feed(guide.text)
    assert parsed.titles[0] == TITLE
    queries = [b for b in parsed.blocks if not b.startswith(":")]
    assert len(queries) == len(guide_queries())
    params: dict[str, Any] = {}
    ran = 0
    for block in parsed.blocks:  # as an analyst clicks them, in order
        if block.startswith(":params "):
            params = evaluate(driver, settings, block.removeprefix(":params "))
            continue
        assert not block.startswith(":"), block
        records, _, _ = driver.execute_query(block, params, database_=settings.neo4j_database)
        assert records, f"no rows for\n{block}\nwith {params}"
        ran += 1
    assert ran == len(guide_queries())


def test_the_guide_plays_every_query_an_analyst_asks() -> None:
    played = {q.value for q in guide_queries()}
    analyst = {q.value for q in Query if q.value.startswith("analyst/")}
    assert analyst <= played, sorted(analyst - played)
    assert "trace" in played

"""The analysts' guide plays in the Neo4j Browser the local Neo4j serves (Browser 5.x, from the
neo4j-browser jar on the server's classpath), in a real Chromium: log in, run `:guide`, see
the first slide."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from live import LiveApi
from neo4j import GraphDatabase
from playwright.sync_api import Browser, Page

from trace_engine.guides.analyst import TITLE

WAIT_MS = 90_000  # a Browser cold start on a busy 2-CPU machine


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


def _allowed_hosts(api: LiveApi) -> list[str]:
    """The remote guide hosts the server tells Browser (dbms.clientConfig)."""
    s = api.settings
    with GraphDatabase.driver(
        s.neo4j_uri, auth=(s.neo4j_user, s.neo4j_password.get_secret_value())
    ) as driver:
        records, _, _ = driver.execute_query("CALL dbms.clientConfig()")
    values = {r["name"]: r["value"] for r in records}
    return [h.strip() for h in values["browser.remote_content_hostname_whitelist"].split(",")]


def test_the_guide_plays_in_neo4j_browser(page: Page, live_api: LiveApi) -> None:
    settings = live_api.settings
    assert "127.0.0.1" in _allowed_hosts(live_api), (
        "the Neo4j server does not let Browser play guides from 127.0.0.1: it was started "
        "with an older neo4j.conf; restart it (trace-engine neo4j stop; trace-engine neo4j start)"
    )
    page.goto(f"http://127.0.0.1:{settings.neo4j_http_port}/browser/")
    page.wait_for_selector("[data-testid=boltaddress]", timeout=WAIT_MS)
    page.fill("[data-testid=boltaddress]", f"127.0.0.1:{settings.neo4j_bolt_port}")
    page.fill("[data-testid=username]", settings.neo4j_user)
    page.fill("[data-testid=password]", settings.neo4j_password.get_secret_value())
    page.click("[data-testid=connect]")
    page.get_by_text("You are connected as user").first.wait_for(timeout=WAIT_MS)

    command = f":guide {live_api.base}/guides/analyst"
    editor = page.locator("[data-testid=activeEditor]")
    editor.get_by_text("neo4j$").wait_for(timeout=WAIT_MS)  # the prompt of a connected editor
    editor.click()
    page.keyboard.type(command)
    page.wait_for_function(
        "(c) => document.querySelector('[data-testid=activeEditor]').innerText"
        ".replace(/\\u00a0/g, ' ').includes(c)",
        arg=command,
        timeout=WAIT_MS,
    )
    page.keyboard.press("Enter")

    # the guide opens in Browser's guide drawer, at its first slide
    drawer = page.locator("[data-testid=guidesDrawer]")
    first = drawer.get_by_role("heading", name=TITLE)
    first.first.wait_for(timeout=WAIT_MS)
    assert drawer.get_by_text("urn:epc:class:lgtin:0860002.010001.PVG240502R").count() >= 1
    assert "Remote guide error" not in drawer.inner_text()

"""The trace page in a real Chromium, against the real API on the recall demo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import openpyxl
import pytest
from live import LiveApi
from playwright.sync_api import Browser, Page, Request

from trace_engine.seed.recall_demo import (
    AFFECTED_STORES,
    CONTAMINATED_LOT,
    FARM_B,
    LOCATIONS,
    UNAFFECTED_STORE,
)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "trace-page.png"
MASTER_DATA = dict(LOCATIONS)
WAIT_MS = 30_000


def demo_link(api: LiveApi, product: str = CONTAMINATED_LOT, key: str | None = None) -> str:
    return f"{api.base}/?productId={quote(product, safe='')}#key={key or api.key}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def wait_drawn(page: Page) -> None:
    page.wait_for_selector("body[data-state='ready'], body[data-state^='error']", timeout=WAIT_MS)
    assert page.evaluate("document.body.dataset.state") == "ready", page.inner_text("#state")


def drawn_facilities(page: Page) -> dict[str, str]:
    """The facility nodes of the graph inside the visible canvas: id → kind (lot/up/down)."""
    return page.evaluate(
        """() => {
          const cy = window.traceEngine.cy;
          const w = cy.width(), h = cy.height();
          const out = {};
          cy.nodes("[type = 'facility']").forEach((n) => {
            const p = n.renderedPosition();
            if (p.x >= 0 && p.x <= w && p.y >= 0 && p.y <= h) out[n.data('ref')] = n.data('kind');
          });
          return out;
        }"""
    )


def click_node(page: Page, node_id: str) -> None:
    """A real mouse click on a node of the canvas, at its place on the screen once that place
    holds still for two frames (panels rendered beside the graph after it is drawn can move or
    resize the canvas; a click at a place read before that would miss the node)."""
    page.locator("#graph").scroll_into_view_if_needed()
    point = page.evaluate(
        """async (id) => {
          const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
          const where = () => {
            const box = document.getElementById('graph').getBoundingClientRect();
            const p = window.traceEngine.cy.getElementById(id).renderedPosition();
            return { x: box.x + p.x, y: box.y + p.y };
          };
          let last = where();
          for (let i = 0; i < 50; i++) {
            await frame();
            await frame();
            const now = where();
            if (now.x === last.x && now.y === last.y) return now;
            last = now;
          }
          return last;
        }""",
        node_id,
    )
    page.mouse.click(point["x"], point["y"])


def test_the_demo_link_draws_the_recall_chain_from_the_api_origin_only(
    page: Page, live_api: LiveApi
) -> None:
    requests: list[Request] = []
    failed: list[str] = []
    page.on("request", lambda r: requests.append(r))
    page.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
    page.on("websocket", lambda ws: failed.append(f"websocket {ws.url}"))

    page.goto(demo_link(live_api))
    wait_drawn(page)

    # the key moved from the fragment to session storage; the address bar no longer shows it
    assert "#" not in page.url and live_api.key not in page.url
    assert page.evaluate("sessionStorage.getItem('traceEngine.apiKey')") == live_api.key

    drawn = drawn_facilities(page)
    for store in AFFECTED_STORES:
        assert store in drawn, f"{MASTER_DATA[store]['name']} is not drawn: {sorted(drawn)}"
        assert drawn[store] == "down"
    assert FARM_B in drawn and drawn[FARM_B] == "lot"  # the contaminated farm, as the origin
    assert UNAFFECTED_STORE not in drawn  # store #45 got only Power Greens
    assert page.locator("#result-title").inner_text() == CONTAMINATED_LOT

    page.screenshot(path=str(SCREENSHOT))

    origin = urlsplit(live_api.base)
    assert requests, "the page made no request"
    for request in requests:
        url = urlsplit(request.url)
        assert (url.scheme, url.netloc) == (origin.scheme, origin.netloc), request.url
    assert not failed, failed
    paths = {urlsplit(r.url).path for r in requests}
    assert {"/", "/static/app.js", "/api/v1/traces"} <= paths


def test_clicking_a_store_shows_its_address(page: Page, live_api: LiveApi) -> None:
    page.goto(demo_link(live_api))
    wait_drawn(page)
    store = AFFECTED_STORES[0]
    click_node(page, f"f:{store}")
    details = page.locator("#details")
    expected = MASTER_DATA[store]
    page.wait_for_function(
        "(id) => document.getElementById('details').dataset.facility === id", arg=store
    )
    text = details.inner_text()
    for field in ("name", "street", "city", "postalCode"):
        assert expected[field] in text, (field, text)


def test_the_timeline_filters_by_facility_and_by_type(page: Page, live_api: LiveApi) -> None:
    page.goto(demo_link(live_api))
    wait_drawn(page)
    rows = page.locator("#timeline tbody tr")
    total = rows.count()
    assert total > 10

    store = AFFECTED_STORES[1]
    page.select_option("#filter-facility", store)
    at_store = rows.count()
    assert 0 < at_store < total
    facilities = rows.evaluate_all("rows => rows.map(r => r.dataset.facility)")
    assert set(facilities) == {store}

    page.select_option("#filter-facility", "")
    page.select_option("#filter-type", "transformation")
    types = rows.evaluate_all("rows => rows.map(r => r.dataset.type)")
    assert types and set(types) == {"transformation"}
    assert len(types) < total
    assert page.locator("#timeline-count").inner_text() == f"{len(types)} of {total} events"


def test_an_event_opens_as_captured(page: Page, live_api: LiveApi) -> None:
    page.goto(demo_link(live_api))
    wait_drawn(page)
    first = page.locator("#timeline tbody tr").first
    event_id = first.get_attribute("data-event-id")
    first.locator("button").click()
    page.wait_for_function(
        "() => document.querySelector('#details pre') && "
        "document.querySelector('#details pre').textContent.startsWith('{')"
    )
    assert event_id and event_id in page.locator("#details pre").first.inner_text()


def test_a_facility_opens_from_the_keyboard(page: Page, live_api: LiveApi) -> None:
    page.goto(demo_link(live_api))
    wait_drawn(page)
    store = AFFECTED_STORES[2]
    page.locator(f"#facility-list button[data-facility='{store}']").focus()
    page.keyboard.press("Enter")
    assert MASTER_DATA[store]["street"] in page.locator("#details").inner_text()


def test_a_wrong_key_shows_the_401_state(page: Page, live_api: LiveApi) -> None:
    page.goto(demo_link(live_api, key="0" * 64))
    page.wait_for_selector("body[data-state^='error']", timeout=WAIT_MS)
    assert page.evaluate("document.body.dataset.state") == "error-401"
    assert page.locator("#state").is_visible()
    assert "API key" in page.locator("#state-title").inner_text()
    assert not page.locator("#result").is_visible()


def test_a_malformed_identifier_shows_the_400_state(page: Page, live_api: LiveApi) -> None:
    page.goto(demo_link(live_api, product="urn:epc:class:lgtin:0860002"))
    page.wait_for_selector("body[data-state^='error']", timeout=WAIT_MS)
    assert page.evaluate("document.body.dataset.state") == "error-400"
    assert "Malformed identifier" in page.locator("#state-title").inner_text()
    # the API's own reason is shown, naming the identifier
    assert "urn:epc:class:lgtin:0860002" in page.locator("#state-message").inner_text()


def test_an_unknown_lot_shows_the_404_state(page: Page, live_api: LiveApi) -> None:
    page.goto(demo_link(live_api, product="urn:epc:class:lgtin:0860002.010001.NOSUCHLOT"))
    page.wait_for_selector("body[data-state^='error']", timeout=WAIT_MS)
    assert page.evaluate("document.body.dataset.state") == "error-404"


def test_the_form_traces_with_the_typed_key_and_direction(page: Page, live_api: LiveApi) -> None:
    page.goto(live_api.base + "/")
    page.fill("#productId", CONTAMINATED_LOT)
    page.fill("#apiKey", live_api.key)
    page.select_option("#direction", "upstream")
    page.press("#productId", "Enter")
    wait_drawn(page)
    drawn = drawn_facilities(page)
    # upstream of a farm lot: its farm and where the lot itself went, nothing made from it
    assert FARM_B in drawn and drawn[FARM_B] == "lot"
    assert "down" not in drawn.values(), drawn
    assert not set(AFFECTED_STORES) & set(drawn), drawn
    assert "direction=upstream" in page.url and live_api.key not in page.url


def test_the_page_fits_a_phone_width_screen(browser: Browser, live_api: LiveApi) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(demo_link(live_api))
        wait_drawn(page)
        assert AFFECTED_STORES[0] in page.evaluate(
            "() => window.traceEngine.cy.nodes().map(n => n.data('ref'))"
        )
        # nothing but the graph and the timeline's own scroller is wider than the screen
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
    finally:
        context.close()


def test_the_spreadsheet_button_downloads_the_fsma_204_xlsx(
    page: Page, live_api: LiveApi, tmp_path: Path
) -> None:
    page.goto(demo_link(live_api))
    wait_drawn(page)
    button = page.locator("#spreadsheet-button")
    button.wait_for(state="visible", timeout=WAIT_MS)  # shown: /openapi.json has the route
    with page.expect_download(timeout=WAIT_MS) as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes()[:2] == b"PK"  # a zip container, as XLSX is
    workbook = openpyxl.load_workbook(path, read_only=True)
    # a real FSMA 204 workbook of this lot: CTE sheets with rows naming the traced lot
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert len(workbook.sheetnames) > 1
    assert any("PVG240502R" in cell for cell in cells)


def test_the_impact_button_shows_the_recall_report(page: Page, live_api: LiveApi) -> None:
    page.goto(demo_link(live_api))
    wait_drawn(page)
    button = page.locator("#impact-button")
    button.wait_for(state="visible", timeout=WAIT_MS)
    button.click()
    page.wait_for_function(
        "() => document.getElementById('details-title').textContent === 'Recall impact'"
    )
    text = page.locator("#details").inner_text()
    for store in AFFECTED_STORES:
        assert MASTER_DATA[store]["name"] in text or store in text, store

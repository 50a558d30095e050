"""FSMA 204 spreadsheet and KDE completeness on the recall demo, through the API."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from trace_engine.config import Settings
from trace_engine.fsma204.cte import (
    Cte,
    classify,
    destination,
    local_date,
    location,
    reference_documents,
    source,
)
from trace_engine.fsma204.rows import canonical, tlc_text
from trace_engine.seed import recall_demo
from trace_engine.seed.recall_demo import build_recall_demo

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "seed" / "recall-demo" / "events.jsonld"
LOT = recall_demo.CONTAMINATED_LOT


async def capture(client: httpx.AsyncClient, body: bytes) -> None:
    """Capture a document and wait for its job."""
    response = await client.post(
        "/epcis/capture", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 202, response.text
    job = (await client.get(response.headers["Location"])).json()
    assert job["rejectedCount"] == 0 and job["running"] is False, job


@pytest.fixture
async def demo(client: httpx.AsyncClient) -> httpx.AsyncClient:
    await capture(client, DEMO.read_bytes())
    return client


async def _trace_events(client: httpx.AsyncClient, product: str) -> list[dict[str, Any]]:
    """The events of the lot's trace (all of them), as captured."""
    trace = await client.get("/api/v1/traces", params={"productId": product, "events": "all"})
    assert trace.status_code == 200, trace.text
    ids = set(trace.json()[product]["events"])
    demo = build_recall_demo()["epcisBody"]["eventList"]
    return [e for e in demo if e["eventID"] in ids]


def _master() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    locations = {canonical(k): v for k, v in recall_demo.LOCATIONS}
    products = {canonical(k): v for k, v in recall_demo.PRODUCTS}
    return locations, products  # type: ignore[return-value]


def _sheet_rows(book: Any, title: str) -> list[dict[str, Any]]:
    sheet = book[title]
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    return [dict(zip(headers, r, strict=True)) for r in rows[1:]]


async def test_spreadsheet_of_the_demo_lot(demo: httpx.AsyncClient) -> None:
    response = await demo.get("/api/v1/fsma204/spreadsheet", params={"productId": LOT})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=False)

    events = await _trace_events(demo, LOT)
    harvested = {
        canonical(q["epcClass"])
        for e in events
        if e["type"] == "ObjectEvent" and e.get("action") == "ADD"
        for q in e["quantityList"]
    }
    expected = {
        e["eventID"]: cte
        for e in events
        if (cte := classify(e, lambda epc: canonical(epc) in harvested)) is not None
    }
    titles = {
        Cte.HARVESTING: "Harvesting", Cte.COOLING: "Cooling",
        Cte.INITIAL_PACKING: "Initial Packing", Cte.SHIPPING: "Shipping",
        Cte.RECEIVING: "Receiving", Cte.TRANSFORMATION: "Transformation",
    }  # fmt: skip
    present = [titles[c] for c in Cte if c in expected.values()]
    assert set(present) == set(titles.values())  # every produce CTE is in the demo lot's trace
    assert sorted(book.sheetnames) == sorted([*present, "Read me"])
    assert book.sheetnames[-1] == "Read me"

    locations, products = _master()
    by_id = {e["eventID"]: e for e in events}
    seen: dict[str, str] = {}
    pairs: set[tuple[Any, ...]] = set()
    for cte, title in titles.items():
        rows = _sheet_rows(book, title)
        assert book[title].auto_filter.ref, title
        assert rows
        keys = [(r[_header(book, title, "date")], r["Traceability Lot Code"] or "") for r in rows]
        assert keys == sorted(keys), f"{title} is not sorted by date, then lot code"
        for row in rows:
            eid = row["Event ID"]
            assert eid in expected and expected[eid] is cte, (title, eid)
            seen[eid] = title
            key = (eid, row["Traceability Lot Code"], row["Input Traceability Lot Code"])
            assert key not in pairs, f"row {key} twice"
            pairs.add(key)
            _check_row(row, by_id[eid], cte, book, title, locations, products)
    assert set(seen) == set(expected), "each CTE event of the trace appears"


def _header(book: Any, title: str, key: str) -> str:
    from trace_engine.fsma204.rows import COLUMN_KEYS, sheet_headers

    return sheet_headers(_cte_of(title))[COLUMN_KEYS.index(key)]


def _cte_of(title: str) -> Cte:
    from trace_engine.fsma204.cte import CTE_TITLES

    return next(c for c, t in CTE_TITLES.items() if t == title)


def _check_row(
    row: dict[str, Any],
    event: dict[str, Any],
    cte: Cte,
    book: Any,
    title: str,
    locations: dict[str, dict[str, str]],
    products: dict[str, dict[str, str]],
) -> None:
    def col(key: str) -> Any:
        return row[_header(book, title, key)]

    here = locations[canonical(location(event))]
    assert col("loc_name") == here["name"]
    assert col("loc_phone") == here["phone"]
    assert col("loc_street") == here["street"]
    assert col("loc_city") == here["city"]
    assert col("loc_postalCode") == here["postalCode"]
    assert col("date") == local_date(event)
    docs = reference_documents(event)
    assert (col("ref1Type"), col("ref1Number")) == (docs[0] if docs else (None, None))
    other = {
        Cte.SHIPPING: destination(event),
        Cte.HARVESTING: destination(event),
        Cte.RECEIVING: source(event),
    }.get(cte)
    if other is not None:
        assert col("other_name") == locations[canonical(other)]["name"]
    # the lot's quantity and unit are what the event (or the pallet's packing) says
    tlc = row["Traceability Lot Code"]
    assert tlc
    gtin = tlc[4:18]
    assert row["Product Description"] == products[f"01/{gtin}"]["name"]
    lists = (
        event.get("outputQuantityList")
        if cte in (Cte.TRANSFORMATION, Cte.INITIAL_PACKING)
        else event.get("quantityList")
    )
    if lists:
        match = [q for q in lists if tlc_text(canonical(q["epcClass"]) or "") == tlc]
        assert match, tlc
        assert (row["Quantity"], row["Unit of Measure"]) == (match[0]["quantity"], match[0]["uom"])
    if cte in (Cte.TRANSFORMATION, Cte.INITIAL_PACKING):
        inputs = {tlc_text(canonical(q["epcClass"]) or ""): q for q in event["inputQuantityList"]}
        source_input = inputs[row["Input Traceability Lot Code"]]
        assert row["Input Quantity"] == source_input["quantity"]
        assert row["Input Unit of Measure"] == source_input["uom"]


async def test_csv_has_the_same_rows(demo: httpx.AsyncClient) -> None:
    xlsx = await demo.get("/api/v1/fsma204/spreadsheet", params={"productId": LOT})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    from_xlsx = sorted(
        tuple("" if v is None else str(v) for v in r)
        for title in book.sheetnames
        if title != "Read me"
        for r in list(book[title].iter_rows(values_only=True))[1:]
    )
    response = await demo.get(
        "/api/v1/fsma204/spreadsheet", params={"productId": LOT, "format": "csv"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][0] == "cte"
    from_csv = sorted(tuple(r[1:]) for r in rows[1:])
    assert from_csv == from_xlsx and len(from_csv) > 10


async def test_completeness_finds_the_missing_kde_and_nothing_else(
    demo: httpx.AsyncClient,
) -> None:
    response = await demo.get("/api/v1/fsma204/completeness", params={"productId": LOT})
    assert response.status_code == 200, response.text
    body = response.json()
    demo_events = build_recall_demo()["epcisBody"]["eventList"]
    store_27 = [
        e for e in demo_events
        if e.get("bizStep") == "receiving"
        and e["bizLocation"]["id"] == recall_demo.MISSING_DOCUMENTS_AT
    ]  # fmt: skip
    assert [
        (e["eventID"], e["cte"], e["missing"], e["referenceDocument"])
        for e in body["incompleteEvents"]
    ] == [(store_27[0]["eventID"], "receiving", ["reference document"], None)]
    receiving = next(c for c in body["ctes"] if c["cte"] == "receiving")
    share = {k["kde"]: k["share"] for k in receiving["kdes"]}
    assert share["reference document"] == round((receiving["events"] - 1) / receiving["events"], 4)
    assert all(v == 1 for k, v in share.items() if k != "reference document")


async def test_scope_errors(demo: httpx.AsyncClient, make_client: Callable[..., Any]) -> None:
    for params, status in (
        ({}, 422),
        ({"productId": LOT, "product": "urn:epc:idpat:sgtin:0860002.010001.*"}, 422),
        ({"productId": "not an id"}, 400),
        ({"productId": "urn:epc:class:lgtin:0860002.010001.NOPE"}, 404),
        ({"product": LOT}, 400),
        ({"productId": LOT, "since": "2024-05-09T00:00:00Z", "until": "2024-05-01T00:00:00Z"}, 422),
        ({"productId": LOT, "format": "pdf"}, 422),
        ({"productId": LOT, "since": "0001-01-01T00:00:00+14:00"}, 422),
        ({"productId": LOT, "until": "9999-12-31T23:59:00-14:00"}, 422),
        ({"productId": LOT, "since": "2024-05-01T00:00:00"}, 200),
    ):
        response = await demo.get("/api/v1/fsma204/spreadsheet", params=params)
        assert response.status_code == status, (params, response.text)
        if status != 200:
            assert "error" in response.json()
    other = make_client(org="someone-else")
    for path in ("/api/v1/fsma204/spreadsheet", "/api/v1/fsma204/completeness"):
        assert (await other.get(path, params={"productId": LOT})).status_code == 404


async def test_product_window(demo: httpx.AsyncClient) -> None:
    spring = "urn:epc:idpat:sgtin:0872345.030001.*"
    response = await demo.get(
        "/api/v1/fsma204/spreadsheet",
        params={
            "product": spring,
            "since": "2024-05-06T00:00:00Z",
            "until": "2024-05-06T23:59:59Z",
            "format": "csv",
        },  # fmt: skip
    )
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows
    gtin = (canonical(spring) or "").split("/")[1]
    assert {r["Traceability Lot Code"][4:18] for r in rows} == {gtin}
    assert {r["Date"] for r in rows} <= {"2024-05-05", "2024-05-06"}
    assert {r["cte"] for r in rows} == {"shipping", "receiving"}


async def test_cli_writes_the_same_rows(
    demo: httpx.AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "TRACE_NEO4J_URI": settings.neo4j_uri,
        "TRACE_NEO4J_USER": settings.neo4j_user,
        "TRACE_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "TRACE_NEO4J_DATABASE": settings.neo4j_database,
    }
    out = tmp_path / "lot.csv"
    command = [sys.executable, "-m", "trace_engine", "fsma204", "--product-id", LOT,
               "--out", str(out), "--org", settings.default_org]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"Wrote {out}" in done.stdout
    api = await demo.get("/api/v1/fsma204/spreadsheet", params={"productId": LOT, "format": "csv"})
    assert sorted(csv.reader(io.StringIO(out.read_text()))) == sorted(
        csv.reader(io.StringIO(api.text))
    )
    bad = subprocess.run([*command[:-4], "--out", str(tmp_path / "x.pdf")], env=env,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert bad.returncode == 2 and "xlsx or csv" in bad.stdout + bad.stderr

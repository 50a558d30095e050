"""The recall impact report as an XLSX workbook (for `format=xlsx`): the same figures as the
JSON, one sheet per block, each with auto-filter headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

_PLACE = ("id", "name", "phone", "street", "city", "state", "postalCode", "country")


def _docs(documents: list[dict[str, str]]) -> str:
    return "; ".join(f"{d['type']} {d['number']}" for d in documents)


def _sheet(book: Any, bold: Any, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    sheet = book.add_worksheet(title)
    sheet.write_row(0, 0, headers, bold)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, ["" if v is None else v for v in row])
    for col, header in enumerate(headers):
        sheet.set_column(col, col, max(12, min(len(header) + 4, 40)))
    sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    sheet.freeze_panes(1, 0)


def write_impact_xlsx(report: dict[str, Any], path: Path) -> None:
    """Write `report` (RecallService.impact) to `path`."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    summary, totals = report["summary"], report["massBalance"]["totals"]
    lot = report["lot"] or {}
    _sheet(book, bold, "Summary", ["", ""], [
        ["Recalled lot", lot.get("tlc") or report["productId"]],
        ["Product", lot.get("product")],
        ["Asked as", report["productId"]],
        ["Made at (UTC)", report["madeAt"]],
        ["Made by org", report["org"]],
        ["Shared records of", ", ".join(report["sharing"]["orgs"]) or "none"],
        ["Summary", summary["text"]],
        ["Lots", summary["lots"]],
        ["Logistic units", summary["logisticUnits"]],
        ["Facilities", summary["facilities"]],
        ["Stores", summary["stores"]],
        ["First event", summary["firstEvent"]],
        ["Last event", summary["lastEvent"]],
        ["Recalled quantity", totals["recalled"]],
        ["Accounted for", totals["accounted"]],
        ["Unaccounted for", totals["unaccounted"]],
        ["Unit", totals["unit"]],
        ["Accounted share", totals["accountedShare"]],
        ["Tolerance (%)", report["tolerancePercent"]],
        ["Discrepancies", summary["discrepancies"]],
    ])  # fmt: skip
    facilities = [
        [kind, *(f.get(k) for k in _PLACE), f["firstArrival"], f["lastArrival"], f["events"],
         _docs(f["documents"])]
        for kind, entries in report["downstream"]["facilities"].items()
        for f in entries
    ]  # fmt: skip
    _sheet(book, bold, "Facilities",
           ["Type", "Identifier", "Name", "Phone", "Street", "City", "State", "Postal Code",
            "Country", "First Arrival", "Last Arrival", "Events", "Reference Documents"],
           facilities)  # fmt: skip
    _sheet(book, bold, "Lots",
           ["Traceability Lot Code", "Product", "Quantity", "Unit", "TLC Source"],
           [[x["tlc"], x["product"], x["quantity"], x["uom"],
             (x["tlcSource"] or {}).get("name") or (x["tlcSource"] or {}).get("id")]
            for x in report["downstream"]["lots"]])  # fmt: skip
    _sheet(book, bold, "Logistic units", ["SSCC", "Contents"],
           [[u["id"], "; ".join(f"{c['tlc']} {c['quantity']} {c['uom']}" for c in u["contents"])]
            for u in report["downstream"]["logisticUnits"]])  # fmt: skip
    _sheet(book, bold, "Upstream", ["Traceability Lot Code", "Product", "Quantity", "Unit",
                                    "TLC Source"],
           [[x["tlc"], x["product"], x["quantity"], x["uom"],
             (x["tlcSource"] or {}).get("name") or (x["tlcSource"] or {}).get("id")]
            for x in report["upstream"]["lots"]])  # fmt: skip
    _sheet(book, bold, "Discrepancies",
           ["Kind", "Event ID", "Lot", "From / At", "To", "Expected", "Found", "Unit",
            "Difference", "Percent"],
           [[d["kind"], d["eventID"], d.get("tlc"), d.get("from") or d.get("facility"),
             d.get("to"), d["left"], d["right"], d["unit"], d["difference"], d["percent"]]
            for d in report["massBalance"]["discrepancies"]])  # fmt: skip
    _sheet(book, bold, "Shipments",
           ["Shipping Event", "Receiving Event", "From", "To", "Shipped", "Received", "Lot",
            "Shipped Quantity", "Received Quantity", "Unit", "Discrepancy", "Documents"],
           [[s["shippingEventID"], s["receivingEventID"], s["from"], s["to"], s["shipped"],
             s["received"], x["tlc"], x["shipped"], x["received"], x["unit"],
             "yes" if x["discrepancy"] else "", _docs(s["documents"] or s["receivingDocuments"])]
            for s in report["massBalance"]["shipments"] for x in s["lots"]])  # fmt: skip
    book.close()

"""The FDA sortable spreadsheet, written as it is read: XLSX (xlsxwriter in constant-memory
mode, one sheet per CTE present, then "Read me") or CSV (a `cte` column first).

Rows come out sorted by date (in the event's own time zone), then traceability lot code: the
events arrive in date order, and one date's rows are sorted before they are written, so only
one date's rows are ever held.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import xlsxwriter

from trace_engine.fsma204.cte import CTE_TITLES, Cte
from trace_engine.fsma204.rows import COLUMN_KEYS, COLUMNS, Context, build_rows, sheet_headers
from trace_engine.fsma204.scope import Progress, Resolved, ScopeReader

Format = Literal["xlsx", "csv"]
CSV_HEADERS = ["cte", *(c.header for c in COLUMNS)]


@dataclass
class Made:
    """What a spreadsheet holds: rows per CTE, and the orgs whose events it shows."""

    rows: Counter[str] = field(default_factory=Counter)
    owners: set[str] = field(default_factory=set)


def _order(row: dict[str, Any]) -> tuple[str, ...]:
    return (row.get("tlc") or "", row.get("time") or "", row.get("eventID") or "",
            row.get("inTlc") or "")  # fmt: skip


def sorted_rows(
    reader: ScopeReader, resolved: Resolved, made: Made, progress: Progress | None = None
) -> Iterator[tuple[Cte, dict[str, Any]]]:
    """Every CTE row of the scope, sorted by date then TLC, one date held at a time."""
    ctx = Context()
    day: str | None = None
    pending: list[tuple[Cte, dict[str, Any]]] = []
    for scoped in reader.events(resolved, ctx, progress):
        if scoped.cte is None:
            continue
        rows = build_rows(scoped.event, scoped.cte, ctx, resolved.in_scope)
        if not rows:
            continue
        made.owners.add(scoped.owner)
        date = rows[0]["date"]
        if date != day:
            pending.sort(key=lambda pair: _order(pair[1]))
            yield from pending
            pending, day = [], date
        pending += [(scoped.cte, row) for row in rows]
    pending.sort(key=lambda pair: _order(pair[1]))
    yield from pending


def write_csv(
    path: Path, reader: ScopeReader, resolved: Resolved, progress: Progress | None = None
) -> Made:
    """The scope's rows as one CSV (UTF-8, `cte` first, FDA's KDE columns after)."""
    made = Made()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADERS)
        for cte, row in sorted_rows(reader, resolved, made, progress):
            made.rows[cte.value] += 1
            writer.writerow([cte.value, *(_cell(row.get(k)) for k in COLUMN_KEYS)])
    return made


def _cell(value: Any) -> Any:
    return "" if value is None else value


def write_xlsx(
    path: Path,
    reader: ScopeReader,
    resolved: Resolved,
    *,
    org: str,
    made_at: str,
    progress: Progress | None = None,
) -> Made:
    """The scope's rows as an XLSX workbook, one sheet per CTE present and a "Read me" sheet;
    each sheet has auto-filter headers and a frozen header row."""
    made = Made()
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False}
    )
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheets: dict[Cte, Any] = {}
    next_row: dict[Cte, int] = {}
    for cte, row in sorted_rows(reader, resolved, made, progress):
        sheet = sheets.get(cte)
        if sheet is None:
            sheet = sheets[cte] = workbook.add_worksheet(CTE_TITLES[cte][:31])
            for col, header in enumerate(sheet_headers(cte)):
                sheet.set_column(col, col, max(12, min(len(header) + 2, 40)))
            sheet.write_row(0, 0, sheet_headers(cte), bold)
            sheet.freeze_panes(1, 0)
            next_row[cte] = 1
        sheet.write_row(next_row[cte], 0, [row.get(k) for k in COLUMN_KEYS])
        next_row[cte] += 1
        made.rows[cte.value] += 1
    for cte, sheet in sheets.items():
        sheet.autofilter(0, 0, max(next_row[cte] - 1, 1), len(COLUMNS) - 1)
    _read_me(workbook.add_worksheet("Read me"), bold, resolved, made, org, made_at)
    workbook.close()
    return made


def _read_me(sheet: Any, bold: Any, resolved: Resolved, made: Made, org: str, made_at: str) -> None:
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 100)
    shared = sorted(made.owners - {org})
    lines: list[tuple[str, Any]] = [
        ("FSMA 204 sortable spreadsheet", "21 CFR 1.1455(c): traceability records (KDEs of "
         "1.1325-1.1350) of the foods, dates or lots FDA names"),  # fmt: skip
        ("Asked", resolved.scope.describe()),
        ("Made at (UTC)", made_at),
        ("Made by org", org),
        ("Records of other orgs shared with it", ", ".join(shared) or "none"),
        ("CTE events read", len(resolved.keys)),
        *((f"Rows: {CTE_TITLES[c]}", made.rows[c.value]) for c in Cte if made.rows[c.value]),
        ("Rows", "one per traceability lot code an event carries; a transformation or initial "
         "packing gives one row per (new lot, input lot); sorted by date, then lot code"),
        ("Dates", "ISO dates (and local times) in the time zone of each event"),
        ("Empty cells", "a Key Data Element the records do not hold; nothing is invented"),
        ("Traceability lot code", "GS1 element string (01) GTIN (10) lot"),
        ("TLC source", "the location of the event that assigned the lot code"),
        ("Reference documents", "from the events' bizTransactionList (po, desadv, recadv, bol, "
         "inv, prodorder); up to two per row"),
    ]  # fmt: skip
    for i, (name, value) in enumerate(lines):
        sheet.write(i, 0, name, bold)
        sheet.write(i, 1, value)

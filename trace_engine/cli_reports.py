"""The `trace-engine fsma204` command (registered by `cli.py`): the FDA FSMA 204 sortable
spreadsheet of a lot's trace, or of a product's lots in a time window, written to a file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from trace_engine.config import get_settings


def register(app: typer.Typer) -> None:
    """Add the report commands to the `trace-engine` app."""
    app.command("fsma204")(fsma204)


def fsma204(
    out: Annotated[Path, typer.Option("--out", help="The file to write (.xlsx or .csv).")],
    product_id: Annotated[
        str | None,
        typer.Option("--product-id", help="A lot, serial or SSCC: its whole trace."),
    ] = None,
    product: Annotated[
        str | None,
        typer.Option(help="A product class (GTIN in any form): every lot of it."),
    ] = None,
    since: Annotated[
        datetime | None, typer.Option(help="Only events at or after this time (UTC if no zone).")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(help="Only events at or before this time.")
    ] = None,
    org: Annotated[
        str | None, typer.Option(help="Whose view (and its sharing partners') [default: demo]")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="xlsx or csv [default: from --out]")
    ] = None,
) -> None:
    """Write the FDA FSMA 204 sortable spreadsheet (21 CFR 1.1455) of a lot's trace, or of a
    product's lots in a time window, with a progress bar over the events read."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from trace_engine.cli import console, fail, key_service
    from trace_engine.errors import TraceEngineError
    from trace_engine.fsma204.repository import Fsma204Repository
    from trace_engine.fsma204.scope import Scope, utc
    from trace_engine.fsma204.service import Fsma204Service

    settings = get_settings()
    kind = (fmt or out.suffix.lstrip(".") or "xlsx").lower()
    if kind not in ("xlsx", "csv"):
        raise fail(f"--format must be xlsx or csv, not {kind!r}", 2)
    owner = org or settings.default_org

    try:
        scope = Scope(product_id=product_id, product=product, since=utc(since, "--since"),
                      until=utc(until, "--until"))  # fmt: skip
    except TraceEngineError as exc:
        raise fail(str(exc), 2) from None
    driver, keys = key_service()
    with driver:
        service = Fsma204Service(Fsma204Repository(driver, settings.neo4j_database))
        try:
            resolved = service.resolve(scope, keys.visible_orgs(owner))
            with Progress(
                "[bold]{task.description}", BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=console,
            ) as bar:  # fmt: skip
                task = bar.add_task("events", total=len(resolved.keys))
                made = service.spreadsheet(
                    resolved,
                    out,
                    "csv" if kind == "csv" else "xlsx",
                    owner,
                    lambda done, _total: bar.update(task, completed=done),
                )
        except TraceEngineError as exc:
            raise fail(str(exc)) from None
    rows = ", ".join(f"{n} {cte}" for cte, n in made.rows.items()) or "no rows"
    console.print(f"Wrote {out} ({rows})")

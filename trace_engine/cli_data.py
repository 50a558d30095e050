"""The `trace-engine load` and `trace-engine seed …` commands (registered by `cli.py`)."""

from __future__ import annotations

import enum
from importlib.resources import as_file, files
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from trace_engine.bulk import FileReport, Format, expand_paths, load_files
from trace_engine.cli import check_org
from trace_engine.config import get_settings
from trace_engine.ingest import CaptureOutcome
from trace_engine.runtime import tune_gc

seed_app = typer.Typer(
    help="The worked examples (mango, recall-demo) and the synthetic supply-chain generator.",
    no_args_is_help=True,
)

console = Console()
err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add `load` and the `seed` group to the `trace-engine` command."""
    app.command("load", help=LOAD_HELP)(load)
    app.add_typer(seed_app, name="seed")


# rich help: a blank line starts a paragraph, a single newline would be kept as a line break
LOAD_HELP = (
    "Bulk-load large EPCIS files, streamed with bounded memory, one transaction per batch."
    "\n\n"
    "Invalid events, and events Neo4j refuses to store (a value too large for an index), "
    "are reported and skipped, each alone (proceed); events already in the graph are "
    "reported as duplicates, so a load that was interrupted can simply be run again. "
    "Prints accepted / duplicate / rejected per file and in total, and the rejected events "
    "(index, eventID, field, reason). Exits 1 if a file could not be read to the end."
    "\n\n"
    "Example: trace-engine load bench/data/100000-1/ --org acme --batch-size 5000"
)
SEED_LOAD_HELP = (
    "Load a worked example through the real ingest path, as events of --org."
    "\n\n"
    "mango: the IBM Food Trust trace example (seed/mango/events.jsonld, then the payloads of "
    "seed/mango/payloads.json); recall-demo: contaminated romaine in fresh-cut salads "
    "(seed/recall-demo/events.jsonld); cocoa: a cooperative's farms, collection batches and "
    "two export shipments (seed/cocoa/, the enterprise listings). Loading twice stores "
    "nothing twice."
)
SEED_GENERATE_HELP = (
    "Write a deterministic synthetic supply chain as EPCIS 2.0 JSON-LD files."
    "\n\n"
    "Supply networks of farms, a packer, --depth processing tiers, a distribution centre and "
    "stores. Next to the events-NNNNN.jsonld files go manifest.json (counts, parameters) and "
    "truth.jsonl (each instance's events, ancestors and descendants). Load the result with "
    "`trace-engine load OUT`."
    "\n\n"
    "Example: trace-engine seed generate --events 100000 --seed 1 --out bench/data/100k"
)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


# The project's seed/ folder, shipped in the package as trace_engine.seed.data (pyproject.toml)
SEED_PACKAGE = "trace_engine.seed.data"
_REJECTED_SHOWN = 20


class SeedExample(enum.StrEnum):
    """The worked examples under seed/."""

    MANGO = "mango"
    RECALL_DEMO = "recall-demo"
    COCOA = "cocoa"


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def _bulk_load(
    files: list[Path], org: str, batch_size: int | None, fmt: Format | None
) -> list[FileReport]:
    """Load files with a progress bar by bytes read; Neo4j errors end the command."""
    from neo4j.exceptions import Neo4jError, ServiceUnavailable

    from trace_engine.graph.driver import make_driver
    from trace_engine.ingest import Ingestor

    settings = get_settings()
    paths = expand_paths(files)
    tune_gc()
    sizes = sum(p.stat().st_size for p in paths if p.is_file())
    try:
        with make_driver(settings) as driver, _progress() as progress:
            task = progress.add_task("loading", total=sizes or None)
            ingestor = Ingestor(
                driver, settings.neo4j_database, batch_size or settings.ingest_batch_size
            )

            def batch_done(path: Path, outcome: CaptureOutcome) -> None:
                progress.update(task, description=f"{path.name}: {outcome.total:,} events")

            return load_files(
                ingestor,
                paths,
                org,
                fmt,
                on_bytes=lambda n: progress.advance(task, n),
                on_batch=batch_done,
            )
    except ServiceUnavailable as exc:
        raise _fail(f"Neo4j is not reachable at {settings.neo4j_uri}: {exc}") from None
    except Neo4jError as exc:
        raise _fail(f"Neo4j refused a write: {exc}") from None


def _print_reports(reports: list[FileReport]) -> bool:
    """Print per-file and total counts and the rejected events; True if every file was read."""
    table = Table(title="Loaded", title_justify="left")
    for column in ("file", "events", "accepted", "duplicate", "rejected"):
        if column == "file":
            table.add_column(column, overflow="fold")
        else:
            table.add_column(column, justify="right", no_wrap=True)
    totals = [0, 0, 0, 0]
    for report in reports:
        counts = [report.total, report.accepted, report.duplicates, len(report.rejected)]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        name = str(report.path) + (" [red](not read to the end)[/]" if report.error else "")
        table.add_row(name, *(f"{c:,}" for c in counts))
    if len(reports) > 1:
        table.add_section()
        table.add_row("[bold]total", *(f"[bold]{c:,}" for c in totals))
    console.print(table)
    for report in reports:
        if report.error:
            err.print(f"[bold red]error:[/] {report.path}: {report.error}", highlight=False)
        for element, reason in report.ignored_master_data[:_REJECTED_SHOWN]:
            err.print(f"[yellow]master data ignored:[/] {report.path}: {element}: {reason}")
        rejected = report.rejected
        if not rejected:
            continue
        listing = Table(title=f"Rejected events of {report.path}", title_justify="left")
        for column in ("index", "eventID", "field", "reason"):
            listing.add_column(column, overflow="fold")
        for result in rejected[:_REJECTED_SHOWN]:
            listing.add_row(
                str(result.index), result.event_id or "-", result.field or "-", result.reason or ""
            )
        console.print(listing)
        if len(rejected) > _REJECTED_SHOWN:
            console.print(f"… and {len(rejected) - _REJECTED_SHOWN:,} more rejected events")
    return not any(report.error for report in reports)


def load(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="EPCIS 2.0 JSON-LD or EPCIS 2.0 / 1.2 XML documents, or folders of them "
            "(*.json, *.jsonld, *.xml, loaded in name order).",
            show_default=False,
        ),
    ],
    org: Annotated[
        str | None,
        typer.Option(
            help="The org that owns the events (default: TRACE_DEFAULT_ORG; at most 200 "
            "characters).",
            callback=check_org,
        ),
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(
            min=1, help="Events per transaction (default: TRACE_INGEST_BATCH_SIZE, 2000)."
        ),
    ] = None,
    content_type: Annotated[
        Format | None,
        typer.Option(help="The files' syntax (default: from the suffix, else the first byte)."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Also write the counts and every rejected event to this JSON file."),
    ] = None,
    initial: Annotated[
        bool,
        typer.Option(
            "--initial",
            help="Initial load into an EMPTY database through neo4j-admin import "
            "(minutes instead of hours for millions of events; stops and restarts the "
            "local server). See README, 'Loading a large history'.",
        ),
    ] = False,
    jobs: Annotated[
        int,
        typer.Option(min=0, help="--initial: parser processes (0: one per core)."),
    ] = 0,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="--initial: replace a database that is not empty (asks first)."
        ),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="--initial --replace: do not ask.")
    ] = False,
    work_dir: Annotated[
        Path | None,
        typer.Option(
            help="--initial: folder for the import files (default: .neo4j/import/initial-load "
            "for the local server, ./initial-import for another one)."
        ),
    ] = None,
    keep_files: Annotated[
        bool, typer.Option("--keep-files", help="--initial: keep the import files afterwards.")
    ] = False,
    finish: Annotated[
        Path | None,
        typer.Option(
            help="--initial, for a server the project does not run: after neo4j-admin has "
            "imported the files of this folder and the database is up, apply the schema, the "
            "error declarations and the enterprise listings, and check the graph.",
        ),
    ] = None,
) -> None:
    """Bulk-load large EPCIS files (help text: LOAD_HELP)."""
    if initial and finish is not None:
        from trace_engine.cli_initial import finish_import

        finish_import(finish)
        return
    if initial:
        from trace_engine.cli_initial import initial_load

        reports = initial_load(
            files,
            org or get_settings().default_org,
            content_type,
            jobs=jobs,
            replace=replace,
            yes=yes,
            work_dir=work_dir,
            keep_files=keep_files,
        )
    else:
        reports = _bulk_load(files, org or get_settings().default_org, batch_size, content_type)
    if report is not None:
        report.write_bytes(
            orjson.dumps({"files": [r.as_dict() for r in reports]}, option=orjson.OPT_INDENT_2)
        )
    if not _print_reports(reports):
        raise typer.Exit(1)


@seed_app.command("load", help=SEED_LOAD_HELP)
def seed_load(
    example: Annotated[SeedExample, typer.Argument(help="Which worked example.")],
    org: Annotated[
        str | None,
        typer.Option(
            help="The org that owns the events (default: TRACE_DEFAULT_ORG; at most 200 "
            "characters).",
            callback=check_org,
        ),
    ] = None,
) -> None:
    """Load a worked example through the real ingest path (help text: SEED_LOAD_HELP)."""
    from pydantic import ValidationError

    from trace_engine.errors import TraceEngineError
    from trace_engine.graph.driver import make_driver
    from trace_engine.masterdata import MasterDataService, PayloadCreate

    settings = get_settings()
    owner = org or settings.default_org
    folder = files(SEED_PACKAGE) / example.value
    with as_file(folder / "events.jsonld") as events_file:
        reports = _bulk_load([events_file], owner, None, Format.JSON)
    ok = _print_reports(reports)
    payload_file = folder / "payloads.json"
    if ok and payload_file.is_file():
        try:
            payloads = [
                PayloadCreate.model_validate(p) for p in orjson.loads(payload_file.read_bytes())
            ]
            with make_driver(settings) as driver:
                service = MasterDataService(driver, settings.neo4j_database)
                for payload in payloads:
                    service.add_payload(payload, owner)
        except (ValidationError, TraceEngineError, orjson.JSONDecodeError) as exc:
            raise _fail(f"{payload_file}: {exc}") from None
        console.print(f"Payloads attached: {len(payloads)}")
    shipment_file = folder / "shipments.json"
    if ok and shipment_file.is_file():
        _declare_shipments(shipment_file.read_bytes(), owner, shipment_file.name)
    if not ok:
        raise typer.Exit(1)


def _declare_shipments(text: bytes, org: str, name: str) -> None:
    """Declare a seed's shipments (`PUT /api/v1/shipments/{id}` bodies with their `id`)."""
    from pydantic import ValidationError

    from trace_engine.enterprise.schemas import ShipmentDeclare
    from trace_engine.enterprise.service import EnterpriseService
    from trace_engine.errors import TraceEngineError
    from trace_engine.graph.driver import make_driver

    settings = get_settings()
    try:
        bodies = orjson.loads(text)
        with make_driver(settings) as driver:
            service = EnterpriseService(
                driver, settings.neo4j_database, settings.readiness_go_threshold
            )
            for body in bodies:
                ident = body.pop("id")
                shipment = service.put_shipment(org, ident, ShipmentDeclare.model_validate(body))
                console.print(
                    f"Shipment {shipment.id}: {shipment.status}, "
                    f"{shipment.total_weight_kg:,.0f} kg in {shipment.total_items} items, "
                    f"readiness {shipment.readiness_score} ({shipment.readiness_decision})"
                )
    except (ValidationError, TraceEngineError, orjson.JSONDecodeError, KeyError) as exc:
        raise _fail(f"{name}: {exc}") from None


@seed_app.command("generate", help=SEED_GENERATE_HELP)
def seed_generate(
    events: Annotated[int, typer.Option(min=0, help="How many events to write.")],
    out: Annotated[Path, typer.Option(help="Output folder (its events-*.jsonld are replaced).")],
    seed: Annotated[int, typer.Option(help="Random seed: one seed gives identical files.")] = 1,
    fan_in: Annotated[int, typer.Option(min=1, help="Input lots per transformation.")] = 3,
    fan_out: Annotated[int, typer.Option(min=1, help="Output lots per transformation.")] = 2,
    depth: Annotated[
        int,
        typer.Option(
            min=1, max=999, help="Tiers of transformations (processing steps) per network."
        ),
    ] = 3,
    events_per_file: Annotated[
        int, typer.Option(min=1, help="Events per EPCISDocument file.")
    ] = 10_000,
) -> None:
    """Write a synthetic supply chain (help text: SEED_GENERATE_HELP)."""
    from trace_engine.seed.generator import generate

    with Progress(
        TextColumn("[bold]generating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("generating", total=events)
        summary = generate(
            events,
            seed,
            out,
            fan_in=fan_in,
            fan_out=fan_out,
            depth=depth,
            events_per_file=events_per_file,
            progress=lambda written: progress.update(task, completed=written),
        )
    console.print(
        f"Wrote {summary.events:,} events in {summary.files:,} files "
        f"({summary.networks:,} supply networks, {summary.instances:,} product instances, "
        f"seed {summary.seed}) to {summary.out}"
    )

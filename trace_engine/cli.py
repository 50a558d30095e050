"""The `trace-engine` command."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from trace_engine.config import get_settings
from trace_engine.errors import LocalNeo4jError
from trace_engine.local_neo4j import LocalNeo4j

app = typer.Typer(
    help="Trace Engine: EPCIS capture and supply-chain traces on Neo4j.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
neo4j_app = typer.Typer(help="Run the project's own local Neo4j 5.26 Community server.")
db_app = typer.Typer(help="Database schema and maintenance.")
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(db_app, name="db")

console = Console()

# The recall demo's contaminated lot (seed/recall-demo/README.md)
DEMO_LOT = "urn:epc:class:lgtin:0860002.010001.PVG240502R"
err = Console(stderr=True)


def _local() -> LocalNeo4j:
    return LocalNeo4j(get_settings(), echo=console.print)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Fetch (first time), configure and start Neo4j on 127.0.0.1; wait until Bolt answers."""
    try:
        _local().start()
    except LocalNeo4jError as exc:
        raise _fail(str(exc)) from None


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the Neo4j server this project started (and nothing else)."""
    _local().stop()


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the project's Neo4j runs; exit 0 if it does, 3 if not."""
    status = _local().status()
    if status.running:
        console.print(f"Neo4j is running (pid {status.pid})")
        console.print(f"  Bolt:    {status.bolt_uri}")
        console.print(f"  Browser: {status.browser_url}")
    else:
        console.print("Neo4j is not running")
        raise typer.Exit(3)


@neo4j_app.command("logs")
def neo4j_logs(
    lines: Annotated[int, typer.Option("--lines", "-n", help="How many lines.")] = 50,
) -> None:
    """Print the last lines of the server's neo4j.log."""
    for line in _local().logs(lines):
        console.print(line, highlight=False, markup=False)


@db_app.command("migrate")
def db_migrate() -> None:
    """Apply cypher/schema.cypher (constraints and indexes); safe to run any number of times."""
    from neo4j.exceptions import ServiceUnavailable

    from trace_engine.graph.driver import make_driver
    from trace_engine.graph.schema import apply_schema

    settings = get_settings()
    try:
        with make_driver(settings) as driver:
            count = apply_schema(driver, settings.neo4j_database)
    except ServiceUnavailable as exc:
        raise _fail(f"Neo4j is not reachable at {settings.neo4j_uri}: {exc}") from None
    console.print(f"Schema applied: {count} statements")


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address [default: TRACE_API_HOST]")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: TRACE_API_PORT]")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the HTTP API with uvicorn (OpenAPI docs at /docs)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=host or settings.api_host,
        port=port or settings.api_port,
        workers=workers,
    )


@app.command("up")
def up(
    host: Annotated[str | None, typer.Option(help="Bind address [default: TRACE_API_HOST]")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: TRACE_API_PORT]")] = None,
) -> None:
    """Start Neo4j, apply the schema, load the recall demo and serve the API.

    This is what the README's run command does. Loading the demo again stores nothing twice.
    """
    from urllib.parse import quote

    from trace_engine.cli_data import SeedExample, seed_load

    try:
        _local().start()
    except LocalNeo4jError as exc:
        raise _fail(str(exc)) from None
    db_migrate()
    settings = get_settings()
    seed_load(SeedExample.RECALL_DEMO, org=None)
    base = f"http://{host or settings.api_host}:{port or settings.api_port}"
    trace_url = f"{base}/api/v1/traces?productId={quote(DEMO_LOT, safe='')}&events=all"
    console.print()
    console.print(f"API:            {base}  (docs at {base}/docs, health at {base}/health)")
    console.print(f"Neo4j Browser:  http://127.0.0.1:{settings.neo4j_http_port}/browser/")
    console.print(f"Recall demo:    the contaminated romaine lot {DEMO_LOT}")
    console.print(f"Trace URL:      {trace_url}", soft_wrap=True)
    console.print(f"Try:            curl -s '{trace_url}' | python3 -m json.tool", soft_wrap=True)
    console.print()
    serve(host=host, port=port, workers=1)


# -- bulk loading and seed data (trace_engine/cli_data.py) ---------------------------------------


def _add_data_commands() -> None:
    from trace_engine.cli_data import register

    register(app)


_add_data_commands()

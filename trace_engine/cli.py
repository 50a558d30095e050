"""The `trace-engine` command."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer
from neo4j import Driver
from rich.console import Console
from rich.table import Table

from trace_engine.config import Settings, get_settings
from trace_engine.errors import LocalNeo4jError
from trace_engine.graph.driver import make_driver
from trace_engine.keys import KeyService
from trace_engine.kit.bounds import org_problem
from trace_engine.local_neo4j import LocalNeo4j

app = typer.Typer(
    help="Trace Engine: EPCIS capture and supply-chain traces on Neo4j.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
neo4j_app = typer.Typer(help="Run the project's own local Neo4j 5.26 Community server.")
db_app = typer.Typer(help="Database schema and maintenance.")
keys_app = typer.Typer(help="API keys (the bootstrap path: no HTTP call needed).")
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")

console = Console()

# The recall demo's contaminated lot (seed/recall-demo/README.md)
DEMO_LOT = "urn:epc:class:lgtin:0860002.010001.PVG240502R"
err = Console(stderr=True)


def _local() -> LocalNeo4j:
    return LocalNeo4j(get_settings(), echo=console.print)


def check_org(value: str | None) -> str | None:
    """The --org given, if it can name an org (kit/bounds.py: at most 200 characters); a
    usage error naming --org if not."""
    if value is not None and (problem := org_problem(value)) is not None:
        raise typer.BadParameter(problem)
    return value


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Fetch (first time), configure and start Neo4j on 127.0.0.1; wait until Bolt answers."""
    try:
        _local().start()
    except LocalNeo4jError as exc:
        raise fail(str(exc)) from None


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
def db_migrate(
    recheck_values: Annotated[
        bool,
        typer.Option(
            "--recheck-values",
            help="Look for values stored before the input bounds again, even if this "
            "database has been checked (the check runs once per database by itself).",
        ),
    ] = False,
) -> None:
    """Apply cypher/schema.cypher (constraints and indexes) and the data migrations, then print
    what the stored-values check repaired and reported; safe to run any number of times."""
    from neo4j.exceptions import ServiceUnavailable

    from trace_engine.graph.driver import make_driver
    from trace_engine.graph.schema import apply_schema
    from trace_engine.graph.stored_values import stored_values_report

    settings = get_settings()
    try:
        with make_driver(settings) as driver:
            count = apply_schema(driver, settings.neo4j_database, recheck_values)
            report = stored_values_report(driver, settings.neo4j_database)
    except ServiceUnavailable as exc:
        raise fail(f"Neo4j is not reachable at {settings.neo4j_uri}: {exc}") from None
    console.print(f"Schema applied: {count} statements")
    if report is not None:
        _print_stored_values(report)


def _print_stored_values(report: dict[str, Any]) -> None:
    """The stored-values check's last report: what it repaired and what it only reports."""
    rows = [
        (what, kind, entry["count"], ", ".join(entry["examples"]))
        for what in ("repaired", "reported")
        for kind, entry in sorted(report.get(what, {}).items())
    ]
    if not rows:
        console.print(
            f"Stored values (checked {report['at']}): nothing stored before the input bounds "
            "needs repair or a report"
        )
        return
    table = Table(title=f"Stored values (checked {report['at']})", title_justify="left")
    for column in ("action", "kind", "count", "examples"):
        table.add_column(column, overflow="fold")
    for what, kind, count, examples in rows:
        table.add_row(what, kind, f"{count:,}", examples)
    console.print(table)


def key_service() -> tuple[Driver, KeyService]:

    settings = get_settings()
    driver = make_driver(settings)
    return driver, KeyService(driver, settings.neo4j_database, settings.default_rate_limit_per_hour)


@keys_app.command("create")
def keys_create(
    org: Annotated[
        str,
        typer.Option(
            help="The organisation the key acts for (at most 200 characters).",
            callback=check_org,
        ),
    ],
    name: Annotated[str, typer.Option(help="A name to recognise the key by.")],
    scopes: Annotated[
        str,
        typer.Option(
            help="Comma-separated: read (GET), write (POST/PUT/DELETE), admin (keys and "
            "sharing; includes both)."
        ),
    ] = "read",
    expires_in_days: Annotated[int | None, typer.Option(help="Lifetime in days.")] = None,
    rate_limit_per_hour: Annotated[
        int | None, typer.Option(help="Calls per hour [default: TRACE_DEFAULT_RATE_LIMIT_PER_HOUR]")
    ] = None,
) -> None:
    """Create an API key and print its secret (shown this once, never stored)."""
    from pydantic import ValidationError

    from trace_engine.keys import STORE_MESSAGE, KeyCreate

    try:
        request = KeyCreate.model_validate(
            {
                "name": name,
                "scopes": [s.strip() for s in scopes.split(",") if s.strip()],
                "expires_in_days": expires_in_days,
                "rate_limit_per_hour": rate_limit_per_hour,
            }
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise fail(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    driver, service = key_service()
    with driver:
        key, secret = service.create_key(org, request)
    console.print(f"API key {key['id']} ({key['name']}) for org {org}, scopes {key['scopes']}")
    console.print(secret, highlight=False, markup=False)
    err.print(STORE_MESSAGE)


@keys_app.command("list")
def keys_list(org: Annotated[str, typer.Option(help="The organisation.")]) -> None:
    """List an organisation's keys (never a secret or a hash)."""
    driver, service = key_service()
    with driver:
        keys = service.list_keys(org)
    for key in keys:
        console.print(
            f"{key['id']}  {key['key_prefix']}…  {key['status']:<8} {','.join(key['scopes']):<16} "
            f"{key['name']}",
            highlight=False,
            markup=False,
        )


@keys_app.command("revoke")
def keys_revoke(
    org: Annotated[str, typer.Option(help="The organisation.")],
    key_id: Annotated[str, typer.Argument(help="The key's id.")],
) -> None:
    """Revoke a key: it stops working at once."""
    from trace_engine.errors import NotFound

    driver, service = key_service()
    with driver:
        try:
            service.revoke_key(org, key_id)
        except NotFound as exc:
            raise fail(str(exc)) from None
    console.print("API key revoked")


@db_app.command("wipe")
def db_wipe(
    yes: Annotated[bool, typer.Option("--yes", help="Really delete everything.")] = False,
) -> None:
    """Delete every node and relationship of TRACE_NEO4J_DATABASE (the schema stays)."""
    from trace_engine.graph.maintenance import wipe

    settings = get_settings()
    if not yes:
        raise fail(f"this deletes everything in {settings.neo4j_uri}: add --yes to go ahead")
    with make_driver(settings) as driver:
        wipe(driver, settings.neo4j_database)
    console.print("The graph is empty")


class Server(enum.StrEnum):
    """The ASGI server `serve` runs the app with."""

    UVICORN = "uvicorn"
    GRANIAN = "granian"


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address [default: TRACE_API_HOST]")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: TRACE_API_PORT]")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes. More than one needs TRACE_REDIS_URL, so that "
            "every worker hears the others' captures and revocations and limits are counted "
            "once.",
        ),
    ] = 1,
    server: Annotated[
        Server,
        typer.Option(
            help="The ASGI server: uvicorn, or granian (optional: pip install "
            "'trace-engine\\[granian]'; bench/RESULTS.md compares them on cached traces).",
        ),
    ] = Server.UVICORN,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    settings = get_settings()
    if workers > 1 and not settings.redis_url:
        raise fail(
            f"--workers {workers} needs TRACE_REDIS_URL (e.g. redis://127.0.0.1:6379/0): "
            "without it each worker keeps its own trace cache, which another worker's "
            "capture cannot invalidate, and counts rate limits on its own"
        )
    from trace_engine.trace import warmup

    warmup.start(settings)  # the server plans the trace query while the app is imported
    if server is Server.GRANIAN:
        try:
            from granian import Granian
            from granian.constants import Interfaces
        except ImportError:
            raise fail(
                "--server granian needs granian: pip install 'trace-engine\\[granian]'"
            ) from None
        Granian(
            "api.main:create_app",
            factory=True,
            address=host or settings.api_host,
            port=port or settings.api_port,
            interface=Interfaces.ASGI,
            workers=workers,
            log_access=settings.api_access_log,
        ).serve()
        return
    import uvicorn

    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=host or settings.api_host,
        port=port or settings.api_port,
        workers=workers,
        access_log=settings.api_access_log,
    )


def _reachable(settings: Settings) -> bool:
    """Whether a Neo4j already answers at TRACE_NEO4J_URI (ours, Docker's, anyone's)."""
    from neo4j.exceptions import Neo4jError, ServiceUnavailable

    try:
        with make_driver(settings) as driver:
            driver.verify_connectivity()
    except (ServiceUnavailable, Neo4jError, OSError):
        return False
    return True


@app.command("up")
def up(
    host: Annotated[str | None, typer.Option(help="Bind address [default: TRACE_API_HOST]")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: TRACE_API_PORT]")] = None,
) -> None:
    """Start Neo4j (unless one answers at TRACE_NEO4J_URI), apply the schema, load the recall
    demo, create a demo API key and serve the API.

    This is what the README's run command does. Loading the demo again stores nothing twice.
    """
    from urllib.parse import quote

    from trace_engine.cli_data import SeedExample, seed_load
    from trace_engine.keys import KeyCreate

    settings = get_settings()
    if _reachable(settings):
        console.print(f"Using the Neo4j that answers at {settings.neo4j_uri}")
    else:
        try:
            _local().start()
        except LocalNeo4jError as exc:
            raise fail(str(exc)) from None
    db_migrate()
    seed_load(SeedExample.RECALL_DEMO, org=None)
    driver, keys = key_service()
    with driver:
        _, secret = keys.create_key(
            settings.default_org,
            KeyCreate(name="demo key (trace-engine up)", scopes=["read", "write", "admin"]),
        )
    base = f"http://{host or settings.api_host}:{port or settings.api_port}"
    trace_url = f"{base}/api/v1/traces?productId={quote(DEMO_LOT, safe='')}&events=all"
    curl = f"curl -s -H 'Authorization: Bearer {secret}' '{trace_url}' | python3 -m json.tool"
    # the key rides in the fragment: a browser never sends it to the server or its logs
    page_url = f"{base}/?productId={quote(DEMO_LOT, safe='')}#key={secret}"
    console.print()
    console.print(f"API:            {base}  (docs at {base}/docs, health at {base}/health)")
    console.print(f"Neo4j Browser:  http://127.0.0.1:{settings.neo4j_http_port}/browser/")
    console.print(f"API key:        {secret}  (org {settings.default_org}, admin; new each run)")
    console.print(f"Recall demo:    the contaminated romaine lot {DEMO_LOT}")
    console.print(f"Trace URL:      {trace_url}", soft_wrap=True)
    lot = quote(DEMO_LOT, safe="")
    console.print(
        f"FSMA 204 sheet: {base}/api/v1/fsma204/spreadsheet?productId={lot}", soft_wrap=True
    )
    console.print(f"Recall impact:  {base}/api/v1/recalls/impact?productId={lot}", soft_wrap=True)
    console.print(f"Trace page:     {page_url}", soft_wrap=True, highlight=False, markup=False)
    console.print(
        f"Analyst guide:  :guide {base}/guides/analyst  (type it in Neo4j Browser)",
        highlight=False,
        markup=False,
    )
    console.print(f"Try:            {curl}", soft_wrap=True, highlight=False, markup=False)
    console.print()
    serve(host=host, port=port, workers=1, server=Server.UVICORN)


# -- bulk loading and seed data (trace_engine/cli_data.py) ---------------------------------------


def _add_data_commands() -> None:
    from trace_engine.cli_data import register
    from trace_engine.cli_reports import register as register_reports
    from trace_engine.cli_subscriptions import register as register_subscriptions

    register(app)
    register_reports(app)
    register_subscriptions(app)


_add_data_commands()

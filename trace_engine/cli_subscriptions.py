"""The `trace-engine subscriptions …` and `trace-engine webhook-receiver` commands (registered
by `cli.py`): the operator's view of webhook subscriptions, straight from the database, and a
receiver for trying them by hand."""

from __future__ import annotations

import asyncio
from typing import Annotated

import orjson
import typer
from neo4j import Driver
from rich.console import Console

from trace_engine.config import get_settings
from trace_engine.graph.driver import make_driver
from trace_engine.subscriptions.schemas import SubscriptionPublic
from trace_engine.subscriptions.service import SubscriptionService

subscriptions_app = typer.Typer(
    help="Webhook subscriptions of every org (read from the database: no API key needed). "
    "A subscription is named by its subscriptionID, the last part of the Location its POST "
    "answered (`list` shows them).",
    no_args_is_help=True,
)

console = Console()
err = Console(stderr=True)

RECEIVER_HELP = (
    "A webhook receiver for trying subscriptions by hand: prints each delivery (its "
    "subscription, query and events) and checks its GS1-Signature against --token."
    "\n\n"
    "A delivery with a missing or bad signature is flagged (NO SIGNATURE / BAD SIGNATURE) and "
    "answered 401, so the engine retries it; a body that is not an EPCISQueryDocument is "
    "answered 400; any other is answered --status (200; give 500 to watch the retries). "
    "Without --token nothing is checked. Every path is accepted. Ctrl-C stops it."
    "\n\n"
    "Example: trace-engine webhook-receiver --port 9000 --token s3cret, then subscribe with "
    '{"dest": "http://127.0.0.1:9000/hook", "signatureToken": "s3cret", "stream": true} '
    "(the API must run with TRACE_SUBSCRIPTION_ALLOW_PRIVATE_DEST=true to deliver to "
    "127.0.0.1)."
)


def register(app: typer.Typer) -> None:
    """Add the `subscriptions` group and `webhook-receiver` to the `trace-engine` command."""
    app.add_typer(subscriptions_app, name="subscriptions")
    app.command("webhook-receiver", help=RECEIVER_HELP)(webhook_receiver)


def _service() -> tuple[Driver, SubscriptionService]:
    settings = get_settings()
    driver = make_driver(settings)
    service = SubscriptionService(
        driver,
        settings.neo4j_database,
        settings.subscription_allow_private_dest,
        timeout_s=settings.subscription_delivery_timeout_s,
    )
    return driver, service


def _mode(sub: SubscriptionPublic) -> str:
    if sub.schedule is None:
        return "stream"
    fields = " ".join(f"{k}={v}" for k, v in sub.schedule.items()) or "every second"
    return f"schedule {fields}" + (" reportIfEmpty" if sub.reportIfEmpty else "")


LIST_HELP = (
    "List subscriptions: id, org, query, stream or schedule, status, destination, signed or "
    "not, then the last event delivered, when the receiver last answered 2xx and the last "
    "error. --json prints them as GET shows them, with the org; a token is never shown."
)
TEST_HELP = (
    "Send a test delivery now to SUBSCRIPTION_ID's destination: an empty EPCISQueryDocument "
    "naming the subscription and its query, signed with its token, the destination checked "
    "as for deliveries (TRACE_SUBSCRIPTION_ALLOW_PRIVATE_DEST). Its position and status do "
    "not change. Exits 1 unless the receiver answers 2xx."
    "\n\n"
    "Example: trace-engine subscriptions test 6f1c…-…-… --org acme"
)


@subscriptions_app.command("list", help=LIST_HELP)
def subscriptions_list(
    org: Annotated[str | None, typer.Option(help="Only this organisation's.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (as GET shows them, never a token).")
    ] = False,
) -> None:
    """List subscriptions (LIST_HELP)."""
    driver, service = _service()
    with driver:
        found = service.all_of(org)
    if as_json:
        rows = [{"org": owner, **sub.model_dump()} for owner, sub in found]
        typer.echo(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode())
        return
    if not found:
        err.print("No subscriptions" + (f" in org {org}" if org else ""))
        return
    for owner, sub in found:
        last = sub.lastDelivered.eventID if sub.lastDelivered else "nothing delivered yet"
        console.print(
            f"{sub.subscriptionID}  {owner}  {sub.queryName}  {_mode(sub)}  {sub.status}  "
            f"{sub.dest}  {'signed' if sub.signed else 'unsigned'}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        detail = f"    last: {last}"
        if sub.lastNotifiedAt:
            detail += f" (notified {sub.lastNotifiedAt})"
        if sub.lastError:
            detail += f"; last error: {sub.lastError}"
        console.print(detail, highlight=False, markup=False, soft_wrap=True)


@subscriptions_app.command("test", help=TEST_HELP)
def subscriptions_test(
    subscription_id: Annotated[
        str, typer.Argument(metavar="SUBSCRIPTION_ID", help="The subscriptionID (see `list`).")
    ],
    org: Annotated[
        str | None, typer.Option(help="Refuse it unless it is this organisation's.")
    ] = None,
) -> None:
    """Send a test delivery (TEST_HELP)."""
    from trace_engine.errors import NotFound

    driver, service = _service()
    with driver:
        try:
            trial = asyncio.run(service.send_test(subscription_id, org))
        except NotFound as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(1) from None
    sub = trial.subscription
    where = f"{sub.dest} ({'signed' if sub.signed else 'unsigned'})"
    if trial.error is not None:
        err.print(
            f"[bold red]error:[/] test delivery to {where}: {trial.error[1]}", highlight=False
        )
        raise typer.Exit(1)
    console.print(f"Test delivery to {where}: answered 2xx", highlight=False, markup=False)


def webhook_receiver(
    port: Annotated[int, typer.Option(help="The port to listen on (0: any free one).")] = 9000,
    token: Annotated[
        str | None, typer.Option(help="The subscription's signatureToken: check GS1-Signature.")
    ] = None,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    status: Annotated[
        int, typer.Option(min=200, max=599, help="The answer to a well-signed delivery.")
    ] = 200,
) -> None:
    """Run a webhook receiver (RECEIVER_HELP)."""
    from trace_engine.subscriptions.receiver import server

    def echo(line: str) -> None:
        console.print(line, highlight=False, markup=False, soft_wrap=True)

    try:
        httpd = server(host, port, token, status, echo)
    except OSError as exc:
        err.print(f"[bold red]error:[/] cannot listen on {host}:{port}: {exc}", highlight=False)
        raise typer.Exit(1) from None
    bound = httpd.server_address[1]
    check = "checking GS1-Signature" if token else "not checking signatures (no --token)"
    console.print(
        f"Listening on http://{host}:{bound}/ (any path), {check}; Ctrl-C stops",
        highlight=False,
        markup=False,
    )
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()

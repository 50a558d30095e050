"""`trace-engine subscriptions list|test` against the real server, and `trace-engine
webhook-receiver` as a real process on a free port: a test delivery arrives signed and is
verified; one signed with another token is flagged and refused; unknown ids are errors."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import orjson
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner, Result

from api.main import create_app
from trace_engine.cli import app as cli
from trace_engine.config import Settings, get_settings

MakeClient = Callable[..., httpx.AsyncClient]
TOKEN = "cli-receiver-token"


class ReceiverProcess:
    """`trace-engine webhook-receiver --port 0 --token TOKEN`, its output collected."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "trace_engine", "webhook-receiver", "--port", "0",
             "--token", TOKEN],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        listening = self.wait_for(r"Listening on (http://\S+/)")
        self.url = listening.group(1) + "hook"

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, deadline_s: float = 60.0) -> re.Match[str]:
        """The first output line matching `pattern` (a deadline only against hanging)."""
        end = time.monotonic() + deadline_s
        while True:
            for line in list(self.lines):
                if found := re.search(pattern, line):
                    return found
            assert self.process.poll() is None, "\n".join(self.lines)
            assert time.monotonic() < end, f"never printed {pattern!r}: {self.lines}"
            time.sleep(0.05)

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def receiver() -> Iterator[ReceiverProcess]:
    found = ReceiverProcess()
    yield found
    found.close()


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The app with local destinations allowed (the receiver is on 127.0.0.1)."""
    local = settings.model_copy(update={"subscription_allow_private_dest": True})
    application = create_app(local)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI reads its settings from the environment: point it at the suite's server."""
    monkeypatch.setenv("TRACE_NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("TRACE_NEO4J_USER", settings.neo4j_user)
    monkeypatch.setenv("TRACE_NEO4J_PASSWORD", settings.neo4j_password.get_secret_value())
    monkeypatch.setenv("TRACE_NEO4J_DATABASE", settings.neo4j_database)
    monkeypatch.setenv("TRACE_SUBSCRIPTION_ALLOW_PRIVATE_DEST", "true")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def _subscribe(http: httpx.AsyncClient, body: dict[str, object]) -> str:
    created = await http.post("/epcis/queries/q/subscriptions", json=body)
    assert created.status_code == 201, created.text
    return str(created.json()["subscriptionID"])


async def test_list_and_test_deliveries_to_a_real_receiver(
    make_client: MakeClient, receiver: ReceiverProcess, cli_env: None
) -> None:
    a, b = make_client(org="cli-a"), make_client(org="cli-b")
    for http in (a, b):
        assert (await http.post("/epcis/queries", json={"name": "q", "query": {}})).is_success
    good = await _subscribe(a, {"dest": receiver.url, "signatureToken": TOKEN, "stream": True})
    wrong = await _subscribe(
        b,
        {"dest": receiver.url, "signatureToken": "not-the-receivers", "schedule": {"hour": "3"}},
    )
    runner = CliRunner()

    async def invoke(*args: str) -> Result:  # the CLI runs its own event loop: off this one
        return await asyncio.to_thread(runner.invoke, cli, list(args))

    listed = await invoke("subscriptions", "list")
    assert listed.exit_code == 0, listed.output
    assert good in listed.output and wrong in listed.output
    line_a = next(line for line in listed.output.splitlines() if good in line)
    assert "cli-a" in line_a and " stream " in line_a and "signed" in line_a
    assert "schedule hour=3" in listed.output
    only_b = await invoke("subscriptions", "list", "--org", "cli-b", "--json")
    rows = orjson.loads(only_b.stdout)
    assert [(r["org"], r["subscriptionID"]) for r in rows] == [("cli-b", wrong)]
    assert "not-the-receivers" not in only_b.output and TOKEN not in listed.output

    sent = await invoke("subscriptions", "test", good)
    assert sent.exit_code == 0, sent.output
    assert "answered 2xx" in sent.output
    receiver.wait_for(rf"signature verified  subscription {good}  query q  0 event")

    refused = await invoke("subscriptions", "test", wrong)
    assert refused.exit_code == 1 and "HTTP 401" in refused.output
    receiver.wait_for(rf"BAD SIGNATURE.*subscription {wrong}")

    # an unknown id, or another org's when --org is given, is an error and sends nothing
    before = len(receiver.lines)
    for args in (["no-such-id"], [good, "--org", "cli-b"]):
        missing = await invoke("subscriptions", "test", *args)
        assert missing.exit_code == 1 and "not found" in missing.output.lower(), missing.output
    assert len(receiver.lines) == before

    # the test deliveries moved nothing
    shown = (await a.get(f"/epcis/queries/q/subscriptions/{good}")).json()
    assert shown["lastDelivered"] is None and shown["status"] == "active"

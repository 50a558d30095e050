"""A live API for browser tests: the real app in a real uvicorn server, over the recall demo."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from api.main import create_app
from trace_engine.config import Settings
from trace_engine.epcis import parse_json
from trace_engine.graph.driver import make_driver
from trace_engine.graph.maintenance import wipe
from trace_engine.graph.schema import apply_schema
from trace_engine.ingest import Ingestor
from trace_engine.keys import KeyCreate, KeyService

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class LiveApi:
    """A running API: its base URL and a read key of the demo org."""

    base: str
    key: str
    settings: Settings


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test process keeps its own handlers
        pass


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """The app in a real uvicorn server on a free loopback port; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = _Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the API did not start on {base}")
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def load_recall_demo(settings: Settings) -> str:
    """An empty graph with the recall demo loaded; returns a read key of the demo org."""
    with make_driver(settings) as driver:
        apply_schema(driver, settings.neo4j_database)
        wipe(driver, settings.neo4j_database)
        document = parse_json((ROOT / "seed" / "recall-demo" / "events.jsonld").read_bytes())
        outcome = Ingestor(driver, settings.neo4j_database).capture(document, settings.default_org)
        assert outcome.rejected == 0, outcome
        request = KeyCreate(name="browser tests", scopes=["read"])
        _, secret = KeyService(driver, settings.neo4j_database).create_key(
            settings.default_org, request
        )
    return secret

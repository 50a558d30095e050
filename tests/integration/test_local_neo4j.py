"""`trace-engine neo4j start|stop|status` on a second, throw-away server (own home and ports),
so the suite's shared server is never touched."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase

BOLT, HTTP = 17687, 17474
PASSWORD = "lifecycle-test-password"


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trace_engine", "neo4j", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    environment = {
        **os.environ,
        "TRACE_NEO4J_HOME": str(tmp_path / "neo4j"),
        "TRACE_NEO4J_BOLT_PORT": str(BOLT),
        "TRACE_NEO4J_HTTP_PORT": str(HTTP),
        "TRACE_NEO4J_PASSWORD": PASSWORD,
        "TRACE_NEO4J_HEAP": "512m",
        "TRACE_NEO4J_PAGECACHE": "128m",
        "TRACE_NEO4J_URI": f"bolt://127.0.0.1:{BOLT}",
    }
    yield environment
    _cli(environment, "stop")


def test_start_twice_stop_status_and_data_survives_restart(env: dict[str, str]) -> None:
    first = _cli(env, "start")
    assert first.returncode == 0, first.stderr
    assert f"bolt://127.0.0.1:{BOLT}" in first.stdout
    assert f"http://127.0.0.1:{HTTP}/browser/" in first.stdout

    second = _cli(env, "start")
    assert second.returncode == 0
    assert "already running" in second.stdout

    import httpx

    assert httpx.get(f"http://127.0.0.1:{HTTP}/browser/").status_code == 200
    # Browser, opened on this server, connects to the Bolt address its discovery names
    discovery = httpx.get(f"http://127.0.0.1:{HTTP}/").json()
    assert discovery["bolt_direct"] == f"bolt://127.0.0.1:{BOLT}"
    assert discovery["transaction"].startswith(f"http://127.0.0.1:{HTTP}/")
    with GraphDatabase.driver(f"bolt://127.0.0.1:{BOLT}", auth=("neo4j", PASSWORD)) as drv:
        drv.execute_query("CREATE (:Probe {name: 'kept'})")

    stopped = _cli(env, "stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    status = _cli(env, "status")
    assert status.returncode == 3
    assert "not running" in status.stdout

    assert _cli(env, "start").returncode == 0
    with GraphDatabase.driver(f"bolt://127.0.0.1:{BOLT}", auth=("neo4j", PASSWORD)) as drv:
        records, _, _ = drv.execute_query("MATCH (p:Probe) RETURN p.name AS name")
    assert [r["name"] for r in records] == ["kept"]


def test_start_fails_clearly_when_the_bolt_port_is_taken(env: dict[str, str]) -> None:
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", BOLT))
        squatter.listen()
        result = _cli(env, "start")
    assert result.returncode != 0
    message = result.stderr.strip()
    assert f"port {BOLT} (Bolt)" in message and "already in use" in message
    assert len(message.splitlines()) == 1
    assert _cli(env, "status").returncode == 3


def test_stop_when_not_running_says_so(env: dict[str, str]) -> None:
    result = _cli(env, "stop")
    assert result.returncode == 0
    assert "not running" in result.stdout

"""One Neo4j for the whole suite: NEO4J_URI if set, else the project's own local server
(started if needed, and stopped again if this run started it), else a testcontainers Neo4j
where a Docker engine exists."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from trace_engine.config import Settings
from trace_engine.errors import LocalNeo4jError
from trace_engine.local_neo4j import LocalNeo4j


def _docker_engine() -> bool:
    docker = shutil.which("docker")
    return bool(docker) and subprocess.run([docker, "info"], capture_output=True).returncode == 0


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    """Settings pointing at the suite's Neo4j."""
    if uri := os.environ.get("NEO4J_URI"):
        yield Settings(
            environment="test",
            neo4j_uri=uri,
            neo4j_user=os.environ.get("NEO4J_USER", "neo4j"),
            neo4j_password=os.environ.get("NEO4J_PASSWORD", "trace-engine-local"),
        )
        return
    base = Settings(environment="test")
    local = LocalNeo4j(base, echo=lambda _: None)
    try:
        started = not local.status().running
        if started:
            local.start()
    except LocalNeo4jError as exc:
        if not _docker_engine():
            pytest.exit(f"no Neo4j for the tests: {exc}", returncode=2)
        yield from _testcontainers_settings()
        return
    try:
        yield base
    finally:
        if started:
            local.stop()


def _testcontainers_settings() -> Iterator[Settings]:
    from testcontainers.neo4j import Neo4jContainer  # type: ignore[import-not-found]

    with Neo4jContainer("neo4j:5.26-community", password="trace-engine-local") as container:
        yield Settings(
            environment="test",
            neo4j_uri=container.get_connection_url(),
            neo4j_password="trace-engine-local",
        )

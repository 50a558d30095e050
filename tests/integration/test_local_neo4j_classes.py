"""The local server's class archive: written by its first stop, mapped by every later start.

A server of this module's own (free ports, its own home, its own lib/ of links to the suite's
jars, so the archive it writes is its own): the suite's server is never touched.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from servers import free_port

from trace_engine.config import Settings
from trace_engine.local_neo4j import LocalNeo4j


def _mapped(pid: int) -> set[str]:
    """The archive files the process has mapped."""
    maps = Path(f"/proc/{pid}/maps").read_text().splitlines()
    return {line.split()[-1] for line in maps if line.endswith(".jsa")}


def test_first_stop_archives_the_classes_and_later_starts_map_them(tmp_path: Path) -> None:
    suite_lib = Settings().neo4j_home.resolve() / "lib"
    if not (suite_lib / ".complete").exists():
        pytest.fail("the suite's Neo4j jars are not fetched (`trace-engine neo4j start`)")
    home = tmp_path / "neo4j"
    (home / "lib").mkdir(parents=True)
    for jar in suite_lib.iterdir():  # the jars, not the suite's archive
        if not jar.name.startswith("cds-"):
            (home / "lib" / jar.name).symlink_to(jar)
    bolt, http = free_port(), free_port()
    settings = Settings(
        environment="test",
        neo4j_home=home,
        neo4j_uri=f"bolt://127.0.0.1:{bolt}",
        neo4j_bolt_port=bolt,
        neo4j_http_port=http,
        neo4j_heap="512m",
        neo4j_pagecache="64m",
    )
    server = LocalNeo4j(settings, echo=lambda _: None)
    status = server.start()
    try:
        assert status.pid is not None
        assert not list((home / "lib").glob("cds-*.jsa"))  # not yet: written as it exits
        server.stop()
        if "sharing" not in server._java_build:  # a JVM without class data sharing
            assert not list((home / "lib").glob("cds-*")) and not list(home.glob("run/cds-*"))
            return
        (archive,) = (home / "lib").glob("cds-*.jsa")
        assert archive.stat().st_size > 0
        assert not list((home / "run").glob("*.partial")) and not list(archive.parent.glob("*.tmp"))
        status = server.start()
        assert status.pid is not None
        assert str(archive) in _mapped(status.pid)
        server.stop()
        assert list((home / "lib").glob("cds-*.jsa")) == [archive]
    finally:
        server.stop()

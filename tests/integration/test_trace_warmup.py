"""The trace query planned at the API's start (trace_engine/trace/warmup.py)."""

from __future__ import annotations

import threading

import pytest
from fastapi import FastAPI
from neo4j import Driver

from api import main
from trace_engine.config import Settings
from trace_engine.graph.driver import make_driver
from trace_engine.trace import warmup


def test_the_warm_up_traces_a_lot_that_cannot_exist(driver: Driver, settings: Settings):
    assert warmup.warm(driver, settings.neo4j_database)
    # it is the trace query itself, run as a read: nothing written, nothing found
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE n.id = $id RETURN count(n) AS n",
        id=warmup.NO_LOT,
        database_=settings.neo4j_database,
    )
    assert records[0]["n"] == 0


def test_a_server_that_does_not_answer_only_leaves_the_warm_up_undone(settings: Settings):
    elsewhere = settings.model_copy(update={"neo4j_uri": "bolt://127.0.0.1:9"})
    with make_driver(elsewhere) as unreachable:
        assert not warmup.warm(unreachable, elsewhere.neo4j_database)


def test_ready_waits_for_the_warm_up_started_in_the_process(
    driver: Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    ran: list[str] = []
    release = threading.Event()

    def slow_warm(own: Driver, database: str) -> bool:
        release.wait(5)
        ran.append("started")
        return True

    monkeypatch.setattr(warmup, "warm", slow_warm)
    warmup.start(settings)
    threading.Timer(0.3, release.set).start()
    warmup.ready(driver, settings.neo4j_database)
    assert ran == ["started"]  # waited for the thread, did not warm again
    warmup.ready(driver, settings.neo4j_database)
    assert ran == ["started", "started"]  # nothing started any more: warms itself


async def test_the_api_starts_with_the_trace_query_warm(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    readied: list[str] = []
    real = warmup.ready

    def ready(driver: Driver, database: str, timeout: float = 60.0) -> None:
        readied.append(database)
        real(driver, database, timeout)

    monkeypatch.setattr(main.warmup, "ready", ready)
    application: FastAPI = main.create_app(settings)
    async with application.router.lifespan_context(application):
        assert readied == [settings.neo4j_database]

"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from api.auth import AuthMiddleware, RateLimiter
from api.body_limit import BodyLimit
from api.errors import CatchAll, install_error_handlers
from api.openapi import install_openapi
from api.routers import (
    enterprise,
    epcis,
    epcis_query,
    fsma204,
    guides,
    health,
    journeys,
    keys,
    masterdata,
    named_queries,
    recalls,
    records,
    sharing,
    trace,
    watches,
    web,
)
from trace_engine.capture import CaptureService
from trace_engine.config import Settings, get_settings
from trace_engine.enterprise.service import EnterpriseService
from trace_engine.graph.bookmarks import ProcessBookmarks
from trace_engine.graph.driver import make_driver
from trace_engine.graph.schema import apply_schema
from trace_engine.keys import KeyService
from trace_engine.kit.shared_state import SharedState
from trace_engine.runtime import tune_gc
from trace_engine.subscriptions.worker import DeliveryWorker
from trace_engine.trace import warmup
from trace_engine.trace.cache import TraceCache
from trace_engine.trace.repository import TraceRepository
from trace_engine.trace.service import TraceService
from trace_engine.watches.worker import WatchWorker

log = logging.getLogger("trace_engine.api")


def share_state(
    settings: Settings, cache: TraceCache, keys: KeyService, bookmarks: ProcessBookmarks
) -> SharedState:
    """Several API processes (TRACE_REDIS_URL): captures, record writes, sharing changes and
    revocations are announced to the others, with the bookmarks of the writes, and applied
    from them; caches are off while Redis is down (docs/architecture.md, "Several API
    processes")."""

    def apply(kind: str, payload: Any) -> None:
        if kind == "instances":
            cache.invalidate(payload)
        elif kind == "revoke":
            keys.forget(payload)
        else:  # "clear", or a kind from a newer version: drop everything
            cache.clear()
            keys.forget_all()

    def reset() -> None:
        cache.clear()
        keys.forget_all()

    shared = SharedState(
        settings.redis_url or "",
        apply,
        reset,
        own_bookmarks=bookmarks.own,
        on_bookmarks=bookmarks.add,
    )
    cache.active = lambda: shared.up
    keys.trust_active = lambda: shared.up
    keys.on_revoke = lambda key_id: shared.announce("revoke", key_id)
    keys.on_sharing_change = announced(lambda: cache.clear(), shared, kind="clear")
    shared.start()
    return shared


def announced(
    local: Callable[..., object], shared: SharedState, kind: str = "instances"
) -> Callable[..., None]:
    """`local`, then the same change announced to every process (before the caller answers)."""

    def both(*changed: Any) -> None:
        local(*changed)
        payload = sorted(changed[0]) if changed else None
        shared.announce(kind, payload)

    return both


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the Neo4j driver lives in the lifespan, on `app.state.driver`."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # one synchronous driver for request handling; handlers run its work in worker threads.
        # Every session of the process's drivers reads after the process's own writes and
        # those other processes announced (graph/bookmarks.py; a cluster's members may lag)
        bookmarks = ProcessBookmarks()
        app.state.bookmarks = bookmarks
        driver = make_driver(settings, request_path=True, bookmarks=bookmarks.manager)
        app.state.driver = driver
        app.state.settings = settings
        cache = TraceCache(
            settings.trace_cache_ttl_s, settings.trace_cache_size, settings.trace_cache_max_bytes
        )
        keys = KeyService(
            driver,
            settings.neo4j_database,
            settings.default_rate_limit_per_hour,
            on_sharing_change=cache.clear,
        )
        app.state.key_service = keys

        async def visible_orgs(org: str) -> frozenset[str]:
            return await run_in_threadpool(keys.visible_orgs, org)

        repository = TraceRepository(lambda: app.state.driver, settings.neo4j_database)
        app.state.trace_service = TraceService(
            cache,
            settings.trace_max_events,
            settings.trace_max_depth,
            lineage=repository.lineage,
            visible_orgs=keys.visible_orgs,
            in_thread=run_in_threadpool,
        )
        shared = share_state(settings, cache, keys, bookmarks) if settings.redis_url else None
        app.state.shared_state = shared
        on_write: Callable[[Iterable[str]], object] = cache.invalidate
        storage = settings.rate_limit_storage_uri
        if shared is not None:
            if storage == "memory://":
                storage = settings.redis_url or storage
            on_write = announced(cache.invalidate, shared)
        app.state.rate_limiter = RateLimiter(
            storage,
            settings.auth_failures_per_minute,
            shared_up=(lambda: shared.up) if shared is not None else None,
        )
        app.state.invalidate_traces = on_write  # records use it too
        # capture jobs run after the response: their writes keep the driver's retry budget
        job_driver = make_driver(settings, bookmarks=bookmarks.manager)
        # subscriptions: delivered by a background task, started once there are any
        worker = DeliveryWorker(driver, settings, visible_orgs)
        app.state.delivery_worker = worker
        # recall watches: the same kind of worker over Watch nodes
        watch_worker = WatchWorker(driver, settings, visible_orgs)
        app.state.watch_worker = watch_worker

        def written(instances: set[str]) -> None:
            on_write(instances)
            worker.wake()
            watch_worker.wake()

        app.state.capture_service = CaptureService(
            driver,
            settings,
            on_write=written,
            job_driver=job_driver,
            keep_job_bookmarks=shared.store_job if shared is not None else None,
            job_bookmarks=shared.job_bookmarks if shared is not None else None,
        )
        app.state.enterprise_service = EnterpriseService(
            driver, settings.neo4j_database, settings.readiness_go_threshold
        )
        try:
            await run_in_threadpool(driver.verify_connectivity)
            await run_in_threadpool(apply_schema, driver, settings.neo4j_database)
            # the first trace is then as quick as the next ones (trace/warmup.py)
            await run_in_threadpool(warmup.ready, driver, settings.neo4j_database)
            await worker.start_if_needed()
            await watch_worker.start_if_needed()
        except Exception as exc:  # the API still starts; /health reports the reason
            log.warning("schema not applied at start-up: %s", exc)
        tune_gc()
        try:
            yield
        finally:
            await worker.stop()
            await watch_worker.stop()
            if shared is not None:
                shared.stop()
            driver.close()
            if app.state.driver is not driver:  # replaced under the app (tests do)
                app.state.driver.close()
            job_driver.close()

    app = FastAPI(
        title="Trace Engine",
        version="0.1.0",
        summary="EPCIS 2.0 capture and supply-chain traces on Neo4j.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(AuthMiddleware)
    app.add_middleware(BodyLimit, max_bytes=settings.api_max_body_bytes)
    app.add_middleware(CatchAll)  # outermost: see its docstring
    app.include_router(health.router)
    app.include_router(epcis.router)
    app.include_router(named_queries.router)
    app.include_router(epcis_query.router)
    app.include_router(masterdata.router)
    app.include_router(trace.router)
    app.include_router(keys.router)
    app.include_router(sharing.router)
    app.include_router(records.router)
    app.include_router(journeys.router)
    app.include_router(fsma204.router)
    app.include_router(recalls.router)
    app.include_router(watches.router)
    app.include_router(enterprise.router)
    app.include_router(web.router)
    app.include_router(guides.router)
    app.mount(web.STATIC_PREFIX, web.static_files(), name="static")
    install_openapi(app)
    return app

"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

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
    web,
)
from trace_engine.capture import CaptureService
from trace_engine.config import Settings, get_settings
from trace_engine.enterprise.service import EnterpriseService
from trace_engine.graph.driver import make_async_driver, make_driver
from trace_engine.graph.schema import apply_schema_async
from trace_engine.graph.trace import TraceRepository
from trace_engine.keys import KeyService
from trace_engine.runtime import tune_gc
from trace_engine.trace import TraceCache, TraceService

log = logging.getLogger("trace_engine.api")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the Neo4j driver lives in the lifespan, on `app.state.driver`."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        driver = make_async_driver(settings)
        # ingest is CPU-bound (parsing, validation): it runs in worker threads on a sync driver
        sync_driver = make_driver(settings, request_path=True)
        app.state.driver = driver
        app.state.sync_driver = sync_driver
        app.state.settings = settings
        cache = TraceCache(
            settings.trace_cache_ttl_s, settings.trace_cache_size, settings.trace_cache_max_bytes
        )
        keys = KeyService(
            sync_driver,
            settings.neo4j_database,
            settings.default_rate_limit_per_hour,
            on_sharing_change=cache.clear,
        )
        app.state.key_service = keys

        async def visible_orgs(org: str) -> frozenset[str]:
            return await run_in_threadpool(keys.visible_orgs, org)

        app.state.trace_service = TraceService(
            cache,
            settings.trace_max_events,
            settings.trace_max_depth,
            lineage=TraceRepository(lambda: app.state.driver, settings.neo4j_database).lineage,
            visible_orgs=visible_orgs,
        )
        app.state.rate_limiter = RateLimiter(
            settings.rate_limit_storage_uri, settings.auth_failures_per_minute
        )
        # capture jobs run after the response: their writes keep the driver's retry budget
        job_driver = make_driver(settings)
        app.state.capture_service = CaptureService(
            sync_driver, settings, on_write=cache.invalidate, job_driver=job_driver
        )
        app.state.enterprise_service = EnterpriseService(
            sync_driver, settings.neo4j_database, settings.readiness_go_threshold
        )
        try:
            await driver.verify_connectivity()
            await apply_schema_async(driver, settings.neo4j_database)
        except Exception as exc:  # the API still starts; /health reports the reason
            log.warning("schema not applied at start-up: %s", exc)
        tune_gc()
        try:
            yield
        finally:
            await driver.close()
            sync_driver.close()
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
    app.include_router(enterprise.router)
    app.include_router(web.router)
    app.include_router(guides.router)
    app.mount(web.STATIC_PREFIX, web.static_files(), name="static")
    install_openapi(app)
    return app

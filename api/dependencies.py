"""Request-scoped dependencies, as `Annotated` aliases.

They are `async def` although they do no I/O: FastAPI runs a plain `def` dependency in the
thread pool, a hop that cost more than a cached trace itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from neo4j import Driver, Session

from trace_engine.capture import CaptureService
from trace_engine.config import Settings
from trace_engine.fsma204.repository import Fsma204Repository
from trace_engine.fsma204.service import Fsma204Service
from trace_engine.keys import ApiKey, KeyService
from trace_engine.trace.service import TraceService


def app_driver(request: Request) -> Driver:
    """The app's one driver, created in the lifespan. It is synchronous: handlers run their
    Neo4j work in worker threads (`run_in_threadpool`); it was measured faster than the async
    driver for the same reads (bench/RESULTS.md, issue 14)."""
    driver: Driver = request.app.state.driver
    return driver


async def get_driver(request: Request) -> Driver:
    """`app_driver` as a dependency."""
    return app_driver(request)


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


DriverDep = Annotated[Driver, Depends(get_driver)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]


async def get_session(driver: DriverDep, settings: SettingsDep) -> AsyncIterator[Session]:
    """One session per request, closed when the request ends; use it in a worker thread.

    Making a session does no I/O (it borrows a connection at its first transaction), and
    closing one that has run its transactions only hands the connection back to the pool.
    """
    session = driver.session(database=settings.neo4j_database)
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


async def get_capture_service(request: Request) -> CaptureService:
    """The capture service, built once per app."""
    service: CaptureService = request.app.state.capture_service
    return service


async def get_api_key(request: Request) -> ApiKey:
    """The caller's key, checked by api.auth.AuthMiddleware."""
    key: ApiKey = request.state.api_key
    return key


async def get_org(key: Annotated[ApiKey, Depends(get_api_key)]) -> str:
    """The caller's organisation."""
    return key.org


async def get_key_service(request: Request) -> KeyService:
    """The key and sharing service, built once per app."""
    service: KeyService = request.app.state.key_service
    return service


CaptureServiceDep = Annotated[CaptureService, Depends(get_capture_service)]
CurrentKey = Annotated[ApiKey, Depends(get_api_key)]
OrgDep = Annotated[str, Depends(get_org)]
KeyServiceDep = Annotated[KeyService, Depends(get_key_service)]


async def get_trace_service(request: Request) -> TraceService:
    """The trace service (and its cache), built once per app."""
    service: TraceService = request.app.state.trace_service
    return service


TraceServiceDep = Annotated[TraceService, Depends(get_trace_service)]


async def get_fsma204_service(request: Request) -> Fsma204Service:
    """The FSMA 204 service on the app's driver (its reports run in worker threads)."""
    settings: Settings = request.app.state.settings
    return Fsma204Service(Fsma204Repository(app_driver(request), settings.neo4j_database))


Fsma204ServiceDep = Annotated[Fsma204Service, Depends(get_fsma204_service)]

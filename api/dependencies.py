"""Request-scoped dependencies, as `Annotated` aliases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from neo4j import AsyncDriver, AsyncSession, Driver

from trace_engine.capture import CaptureService
from trace_engine.config import Settings
from trace_engine.trace import TraceService


def get_driver(request: Request) -> AsyncDriver:
    """The app's driver, created in the lifespan."""
    driver: AsyncDriver = request.app.state.driver
    return driver


def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


DriverDep = Annotated[AsyncDriver, Depends(get_driver)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]


async def get_session(driver: DriverDep, settings: SettingsDep) -> AsyncIterator[AsyncSession]:
    """One session per request, closed when the request ends."""
    session = driver.session(database=settings.neo4j_database)
    try:
        yield session
    finally:
        await session.close()


SessionDep = Annotated[AsyncSession, Depends(get_session)]


def get_sync_driver(request: Request) -> Driver:
    """The synchronous driver that ingest runs on (in worker threads)."""
    driver: Driver = request.app.state.sync_driver
    return driver


def get_capture_service(request: Request) -> CaptureService:
    """The capture service, built once per app."""
    service: CaptureService = request.app.state.capture_service
    return service


def get_org(settings: SettingsDep) -> str:
    """The caller's organisation."""
    return settings.default_org


CaptureServiceDep = Annotated[CaptureService, Depends(get_capture_service)]
OrgDep = Annotated[str, Depends(get_org)]


def get_trace_service(request: Request) -> TraceService:
    """The trace service (and its cache), built once per app."""
    service: TraceService = request.app.state.trace_service
    return service


def get_visible_orgs(org: OrgDep) -> frozenset[str]:
    """The orgs whose events the caller may see."""
    return frozenset({org})


TraceServiceDep = Annotated[TraceService, Depends(get_trace_service)]
VisibleOrgsDep = Annotated[frozenset[str], Depends(get_visible_orgs)]

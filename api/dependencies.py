"""Request-scoped dependencies, as `Annotated` aliases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from neo4j import AsyncDriver, AsyncSession

from trace_engine.config import Settings


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

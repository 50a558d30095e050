"""Neo4j drivers built from the settings."""

from __future__ import annotations

from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    Driver,
    GraphDatabase,
    NotificationDisabledClassification,
)

from trace_engine.config import Settings


def _auth(settings: Settings) -> tuple[str, str]:
    return settings.neo4j_user, settings.neo4j_password.get_secret_value()


# Queries name relationship types (HAS_PAYLOAD, …) that an empty or young graph may not have
# yet; the server's "unknown relationship type" notice would be logged for every query.
_QUIET = [NotificationDisabledClassification.UNRECOGNIZED]


def make_driver(settings: Settings) -> Driver:
    """A synchronous driver (CLI, bulk loader, tests)."""
    return GraphDatabase.driver(
        settings.neo4j_uri, auth=_auth(settings), notifications_disabled_classifications=_QUIET
    )


def make_async_driver(settings: Settings) -> AsyncDriver:
    """An async driver (the HTTP API)."""
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri, auth=_auth(settings), notifications_disabled_classifications=_QUIET
    )

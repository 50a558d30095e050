"""The Neo4j driver built from the settings."""

from __future__ import annotations

from typing import Any

from neo4j import (
    Driver,
    GraphDatabase,
    NotificationDisabledClassification,
)
from neo4j.api import BookmarkManager

from trace_engine.config import Settings


def _auth(settings: Settings) -> tuple[str, str]:
    return settings.neo4j_user, settings.neo4j_password.get_secret_value()


# Queries name relationship types (HAS_PAYLOAD, …) that an empty or young graph may not have
# yet; the server's "unknown relationship type" notice would be logged for every query.
_QUIET = [NotificationDisabledClassification.UNRECOGNIZED]


def _request_path(settings: Settings) -> dict[str, Any]:
    # a request waits at most about connection timeout + retry budget for an unreachable server
    return {
        "connection_timeout": settings.api_neo4j_connection_timeout_s,
        "max_transaction_retry_time": settings.api_neo4j_retry_s,
    }


def make_driver(
    settings: Settings, request_path: bool = False, bookmarks: BookmarkManager | None = None
) -> Driver:
    """The one driver style: the HTTP API (with `request_path`, which fails fast when the
    server is unreachable; its handlers run Neo4j work in worker threads), the CLI, the bulk
    loader and the tests. Sync was measured faster than async for the same reads
    (bench/RESULTS.md, issue 14). `bookmarks`: the manager every session of the driver uses
    by default (`graph/bookmarks.py`: the API process's reads follow its writes)."""
    options: dict[str, Any] = _request_path(settings) if request_path else {}
    if bookmarks is not None:
        # the session default for every session of the driver: typed in the driver's own
        # signature but marked "undocumented"; tests/integration/test_scale_out.py
        # (test_the_bookmarks_a_process_holds_reach_the_server) fails if it stops working
        options["bookmark_manager"] = bookmarks
    return GraphDatabase.driver(
        settings.neo4j_uri,
        auth=_auth(settings),
        notifications_disabled_classifications=_QUIET,
        **options,
    )

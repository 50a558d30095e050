"""`trace-engine serve --workers N` needs TRACE_REDIS_URL for N > 1 (nothing is served)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from trace_engine.cli import app
from trace_engine.config import get_settings


def test_several_workers_without_redis_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACE_REDIS_URL", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--workers", "2", "--port", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "TRACE_REDIS_URL" in result.output

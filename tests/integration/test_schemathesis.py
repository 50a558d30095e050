"""Schemathesis against a real server: every operation of the OpenAPI document, every check.

The operations come from /openapi.json itself, so a route added later is tested too. The run is
bounded (a fixed seed and a number of examples per operation) and must report no failure at
all: no server error, no status, header or body the document does not declare, no schema-valid
request refused with 422, no invalid one accepted, `Allow` listing every method of a path.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from servers import server_env, serving

from trace_engine.config import Settings

CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = 20261129
EXAMPLES_PER_OPERATION = 25


def _schemathesis() -> str:
    return str(Path(sys.executable).with_name("schemathesis"))


def test_schemathesis_finds_nothing(
    settings: Settings,
    new_key: Callable[..., str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = new_key(scopes=["admin"], rate_limit_per_hour=10_000_000)
    reports = tmp_path / "reports"
    with serving(server_env(settings), tmp_path / "api.log") as server:
        run = subprocess.run(
            [
                _schemathesis(),
                "--config-file",
                str(CONFIG),
                "run",
                f"{server.base}/openapi.json",
                "--checks",
                "all",
                "--seed",
                str(SEED),
                "--max-examples",
                str(EXAMPLES_PER_OPERATION),
                "--workers",
                "1",
                "--header",
                f"Authorization: Bearer {secret}",
                "--report",
                "json,har",
                "--report-dir",
                str(reports),
                "--output-truncate",
                "true",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,  # its cache directory goes there
        )
    report = json.loads(next(reports.glob("json-*.json")).read_text())
    har = json.loads(next(reports.glob("har-*.json")).read_text())
    requests = len(har["log"]["entries"])
    statuses: dict[int, int] = {}
    for entry in har["log"]["entries"]:
        status = entry["response"]["status"]
        statuses[status] = statuses.get(status, 0) + 1
    with capsys.disabled():
        print(
            f"\nschemathesis: {report['operations']['tested']} operations, "
            f"{report['test_cases']['generated']} test cases, {requests} requests, "
            f"statuses {dict(sorted(statuses.items()))}, seed {SEED}, "
            f"{report['running_time']:.0f} s"
        )
    server_errors = {s: n for s, n in statuses.items() if s >= 500}
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
    assert report["failures"] == [] and report["errors"] == [], run.stdout[-20000:]
    assert server_errors == {}
    assert report["operations"]["tested"] == report["operations"]["total"] > 30

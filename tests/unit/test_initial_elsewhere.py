"""`load --initial` for a server the project does not run: the files and the exact command."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from trace_engine.cli import app
from trace_engine.config import get_settings
from trace_engine.seed.generator import generate


def test_writes_the_files_and_prints_the_neo4j_admin_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(300, 3, tmp_path / "history", events_per_file=100)
    monkeypatch.setenv("TRACE_NEO4J_URI", "bolt://db.example.net:7687")
    get_settings.cache_clear()
    work = tmp_path / "import"
    try:
        result = CliRunner().invoke(
            app,
            ["load", "--initial", str(tmp_path / "history"), "--work-dir", str(work)],
            env={"COLUMNS": "400"},
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    command = "neo4j-admin database import full --overwrite-destination=true neo4j @import.args"
    assert f"cd {work} && {command}" in result.output
    assert f"trace-engine load --initial --finish {work}" in result.output
    args = (work / "import.args").read_text().splitlines()
    assert '"--id-type=string"' in args
    # paths relative to the folder, every one of them there
    files = [
        f
        for a in args
        if a.startswith(('"--nodes=', '"--relationships='))
        for f in a.strip('"').split("=", 2)[2].split(",")
    ]
    assert files and all(not f.startswith("/") and (work / f).is_file() for f in files)
    assert any(a.startswith('"--nodes=Event=') for a in args)

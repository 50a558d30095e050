"""`load --initial` for a server the project does not run: the files and the exact command."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from trace_engine.cli import app
from trace_engine.config import get_settings
from trace_engine.initial.store import matching_files, read_argument_file
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
    args = read_argument_file(work / "import.args")
    assert "--id-type=integer" in args
    # paths relative to the folder: a header, then its group's data files as one pattern (the
    # importer lists the folder once per pattern), naming exactly the part files written
    listed = [
        a.split("=", 2)[2].split(",")
        for a in args
        if a.startswith(("--nodes=", "--relationships="))
    ]
    assert listed and all(len(group) == 2 for group in listed)
    assert all(not f.startswith("/") for group in listed for f in group)
    assert all((work / header).is_file() for header, _ in listed)
    named = [f for _, pattern in listed for f in matching_files(work / pattern)]
    assert sorted(named) == sorted(
        f for f in work.glob("*.csv") if not f.name.endswith(".header.csv")
    )
    assert any(a.startswith("--nodes=Event=") for a in args)

"""The Docker set-up mirrors the local one (it cannot run here: no Docker engine)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import yaml

from trace_engine.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_compose_runs_neo4j_526_community_and_the_api_on_loopback() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    neo4j, api = compose["services"]["neo4j"], compose["services"]["api"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert sorted(neo4j["ports"]) == ["127.0.0.1:7474:7474", "127.0.0.1:7687:7687"]
    assert "healthcheck" in neo4j
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert api["build"] == "."
    # the API is configured through the same TRACE_ settings as everywhere else
    assert set(api["environment"]) <= {f"TRACE_{name.upper()}" for name in Settings.model_fields}
    assert (ROOT / "Dockerfile").exists()


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "bash scripts/test" in readme
    assert "bash scripts/test" in ci


def test_vendored_gs1_examples_match_the_shared_reference() -> None:
    shared = ROOT.parent / "shared" / "reference" / "epcis" / "examples"
    vendored = ROOT / "tests" / "fixtures" / "gs1-epcis" / "examples"
    files = sorted(p.relative_to(vendored) for p in vendored.rglob("*") if p.is_file())
    assert len(files) > 60
    if shared.is_dir():  # beside the clone in CI and on developer machines
        for name in files:
            assert (shared / name).read_bytes() == (vendored / name).read_bytes(), name


def _sources(folder: str, suffixes: tuple[str, ...]) -> set[str]:
    return {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and p.suffix in suffixes and "__pycache__" not in p.parts
    }


def test_pyproject_lists_every_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in ("trace_engine", "api")
        for p in (ROOT / top).rglob("__init__.py")
    }
    mapped = set(config["package-dir"])
    assert set(config["packages"]) == found | mapped, "add the new package to pyproject.toml"
    assert config["package-dir"] == {
        "trace_engine.queries": "cypher",
        "trace_engine.seed.data": "seed",
    }


def test_the_wheel_holds_every_module_query_and_seed_file(tmp_path: Path) -> None:
    """A wheel built from the tree holds every module, query and seed file, and the installed
    copy (not the source tree) loads every query and seed file from another directory."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", tmp_path],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("trace_engine-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = _sources("trace_engine", (".py", ".json", ".xml")) | _sources("api", (".py",))
    # the trace page: its HTML, scripts, styles, icon, vendored libraries and their licences
    expected |= {
        p.relative_to(ROOT).as_posix() for p in (ROOT / "api" / "static").rglob("*") if p.is_file()
    }
    expected |= {
        "trace_engine/queries/" + p.removeprefix("cypher/")
        for p in _sources("cypher", (".cypher", ".md"))
    }
    expected |= {
        "trace_engine/seed/data/" + p.removeprefix("seed/")
        for p in _sources("seed", (".jsonld", ".json", ".md"))
    }
    assert len(expected) > 100
    assert sorted(expected - names) == []

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "-t", target, wheel],
        check=True,
        capture_output=True,
    )
    check = (
        "import trace_engine, sys\n"
        "from importlib.resources import files\n"
        "from trace_engine.graph.catalog import Query, query\n"
        f"assert trace_engine.__file__.startswith({str(target)!r}), trace_engine.__file__\n"
        "assert all(query(q) for q in Query)\n"
        "seed = files('trace_engine.seed.data')\n"
        "for name in ('mango', 'recall-demo'):\n"
        "    assert (seed / name / 'events.jsonld').read_bytes().startswith(b'{')\n"
        "print(len(Query))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", check],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(_sources("cypher", (".cypher",)))

"""The Docker set-up mirrors the local one (it cannot run here: no Docker engine)."""

from __future__ import annotations

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

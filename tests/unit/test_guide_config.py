"""Neo4j Browser may play the API's guide: the local server's config and Docker's list the
API's host among the remote guide hosts."""

from __future__ import annotations

from pathlib import Path

import yaml

from trace_engine.config import Settings
from trace_engine.local_neo4j import LocalNeo4j

ROOT = Path(__file__).resolve().parents[2]
SETTING = "browser.remote_content_hostname_whitelist"  # the name Neo4j 5.26 and Browser read


def _hosts(settings: Settings) -> list[str]:
    local = LocalNeo4j(settings, echo=lambda _: None)
    local._write_config()
    lines = local.conf_file.read_text().splitlines()
    (line,) = [ln for ln in lines if ln.startswith(SETTING + "=")]
    return line.split("=", 1)[1].split(",")


def test_the_local_config_allows_the_apis_host(tmp_path: Path) -> None:
    hosts = _hosts(Settings(neo4j_home=tmp_path, _env_file=None))  # type: ignore[call-arg]
    assert {"127.0.0.1", "localhost", "guides.neo4j.com"} <= set(hosts)
    other = _hosts(
        Settings(neo4j_home=tmp_path, api_host="10.1.2.3", _env_file=None)  # type: ignore[call-arg]
    )
    assert "10.1.2.3" in other
    wildcard = _hosts(
        Settings(neo4j_home=tmp_path, api_host="0.0.0.0", _env_file=None)  # type: ignore[call-arg]
    )
    assert "0.0.0.0" not in wildcard


def test_docker_compose_allows_the_published_api() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = compose["services"]["neo4j"]["environment"]
    value = env["NEO4J_" + SETTING.replace("_", "__").replace(".", "_")]
    assert "127.0.0.1" in value.split(",")

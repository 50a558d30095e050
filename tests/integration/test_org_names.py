"""Org names are bounded where an org is named for the first time (kit/bounds.py: at most 200
characters, not blank): a key created for it (`keys create --org`, `KeyService.create_key`),
the loaders' `--org` (`load`, `load --initial`, `seed load`), a share offered or accepted,
TRACE_DEFAULT_ORG. Each refusal names the field and stores nothing. An org at the bound, with
identifiers at theirs, fits every index key it is part of (a 6,100-character org did not, and
failed a whole load). Orgs stored longer before are reported by `db migrate --recheck-values`,
not renamed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from epcis_documents import epcis_document
from neo4j import Driver
from pydantic import ValidationError
from test_bulk import run_cli

from trace_engine.bulk import load_files
from trace_engine.config import Settings
from trace_engine.enterprise.service import EnterpriseService
from trace_engine.errors import InvalidInput
from trace_engine.ingest import Ingestor
from trace_engine.keys import KeyCreate, KeyService
from trace_engine.kit.bounds import MAX_ID_LENGTH, MAX_ORG_LENGTH

TOO_LONG = "org-" + "o" * (MAX_ORG_LENGTH - 3)  # one character over


def _nodes(driver: Driver, settings: Settings) -> int:
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE NOT n:Migration RETURN count(n) AS n", database_=settings.neo4j_database
    )
    return int(records[0]["n"])


def _document(path: Path, n: int = 0) -> Path:
    event = {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:00000000-0000-4000-d000-{n:012d}",
        "eventTime": "2024-03-01T10:00:00Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "epcList": ["urn:epc:id:sgtin:0614141.107346.1"],
    }
    path.write_bytes(orjson.dumps(epcis_document([event])))
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["keys", "create", "--name", "k", "--org", TOO_LONG],
        ["load", "--org", TOO_LONG, "{doc}"],
        ["load", "--initial", "--yes", "--org", TOO_LONG, "{doc}"],
        ["seed", "load", "mango", "--org", TOO_LONG],
        ["keys", "create", "--name", "k", "--org", "  "],
    ],
    ids=["keys-create", "load", "load-initial", "seed-load", "keys-create-blank"],
)
def test_the_cli_refuses_an_org_name_over_the_bound_naming_org(
    tmp_path: Path, driver: Driver, settings: Settings, command: list[str]
) -> None:
    doc = str(_document(tmp_path / "doc.jsonld"))
    result = run_cli(settings, *(doc if part == "{doc}" else part for part in command))
    assert result.returncode == 2, result.stdout + result.stderr
    message = " ".join(result.stderr.replace("│", " ").split())
    assert "Invalid value for '--org'" in message
    assert "more than 200" in message or "must not be empty" in message
    assert _nodes(driver, settings) == 0


def test_a_key_cannot_be_created_for_an_org_over_the_bound(
    driver: Driver, settings: Settings
) -> None:
    service = KeyService(driver, settings.neo4j_database)
    with pytest.raises(InvalidInput) as refused:
        service.create_key(TOO_LONG, KeyCreate(name="k", scopes=["read"]))
    assert refused.value.field == "org" and "more than 200" in refused.value.reason
    assert _nodes(driver, settings) == 0
    service.create_key(TOO_LONG[:MAX_ORG_LENGTH], KeyCreate(name="k", scopes=["read"]))


def test_the_default_org_setting_is_bounded() -> None:
    with pytest.raises(ValidationError, match="TRACE_DEFAULT_ORG is 201 characters long"):
        Settings(default_org=TOO_LONG)


@pytest.mark.parametrize("path", ["/api/v1/sharing", "/api/v1/sharing/accept"])
async def test_a_share_naming_an_org_over_the_bound_is_a_422_naming_org(
    client: httpx.AsyncClient, driver: Driver, settings: Settings, path: str
) -> None:
    before = _nodes(driver, settings)
    response = await client.post(path, json={"org": TOO_LONG})
    assert response.status_code == 422, response.text
    assert "org" in response.text and "200" in response.text
    assert _nodes(driver, settings) == before


def _at_the_bounds(path: Path) -> dict[str, Any]:
    """A farm and an event at it, collecting a lot into a batch, then shipped: every id at
    the identifier bound (ASCII, as a URI is)."""
    farm = "urn:x:farm:" + "f" * (MAX_ID_LENGTH - 11)
    lot = "urn:x:lot:" + "l" * (MAX_ID_LENGTH - 10)

    def event(n: int, **changes: Any) -> dict[str, Any]:
        return {
            "type": "ObjectEvent",
            "eventID": f"urn:x:{n}:" + "e" * (MAX_ID_LENGTH - 8),
            "eventTime": f"2024-03-0{n}T10:00:00Z",
            "eventTimeZoneOffset": "+00:00",
            "action": "ADD",
            "bizStep": "commissioning",
            "epcList": [lot],
            "bizLocation": {"id": farm},
            "ilmd": {"cbvmda:sellByDate": "2024-09-01"},
            **changes,
        }

    type_ = {"id": "urn:trace-engine:mda:facilityType", "attribute": "FARM"}
    shipping = event(2, action="OBSERVE", bizStep="shipping")
    shipping.pop("ilmd")
    document = epcis_document([event(1), shipping], [{"id": farm, "attributes": [type_]}])
    path.write_bytes(orjson.dumps(document))
    return document


def test_an_org_at_the_bound_with_identifiers_at_theirs_fits_every_index(
    tmp_path: Path, driver: Driver, settings: Settings
) -> None:
    org = "😀" * MAX_ORG_LENGTH  # 800 bytes of UTF-8, the most an org can hold
    path = tmp_path / "bounds.jsonld"
    _at_the_bounds(path)
    [report] = load_files(Ingestor(driver, settings.neo4j_database), [path], org)
    assert report.error is None
    assert (report.accepted, [r.reason for r in report.rejected]) == (2, [])
    service = EnterpriseService(driver, settings.neo4j_database)
    assert service.list_farms(org, None, 10, 0).meta.total == 1
    assert service.list_batches(org, None, 10, 0).meta.total == 1
    assert service.list_shipments(org, None, 10, 0).meta.total == 1


def test_orgs_stored_longer_before_are_reported_not_renamed(
    driver: Driver, settings: Settings
) -> None:
    keyed, owning = "k" * 300, "e" * 6200
    driver.execute_query(
        "CREATE (:Org {id: $keyed}), (:Org {id: 'short'}), "
        "(:Event {eventID: 'urn:uuid:1', owner: $owning}), "
        "(:Event {eventID: 'urn:uuid:2', owner: $owning})",
        keyed=keyed,
        owning=owning,
        database_=settings.neo4j_database,
    )
    result = run_cli(settings, "db", "migrate", "--recheck-values")
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "reported │ org name │ 2" in out, result.stdout
    records, _, _ = driver.execute_query(
        "MATCH (o:Org) RETURN o.id AS id UNION MATCH (e:Event) RETURN e.owner AS id",
        database_=settings.neo4j_database,
    )
    assert {r["id"] for r in records} == {keyed, "short", owning}

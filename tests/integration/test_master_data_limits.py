"""A document's master data that cannot be stored refuses the document as a whole, naming the
element and the field, before anything of it is written (`ingest.master_data`): `capture`
answers 400, `load` reports the file as not read and goes on with the next
(tests/integration/test_initial_load.py: `load --initial` the same). And an attribute named as
the statement's own identity (`org`, `id`) cannot move the statement to another org or thing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import orjson
from epcis_documents import epcis_document
from neo4j import Driver

from trace_engine.bulk import load_files
from trace_engine.config import Settings
from trace_engine.ingest import Ingestor
from trace_engine.kit.bounds import MAX_ORG_LENGTH

# an org near its bound (the suite names a key "test key of ORG", at most 200 characters): an
# id at its bound then overflows (id, org)
ORG = "m" * (MAX_ORG_LENGTH - 12)
HUGE_SITE = "urn:x:site:" + "😀" * 1997  # 7,999 bytes: a Facility takes it alone
# 7,943 bytes: the statement's (id, org) takes it, not the farm listing's statusRank (org,
# status, time, id)
FARM_SITE = "urn:x:site:" + "😀" * 1983
SITE = "urn:epc:id:sgln:0614141.00001.0"
NAME = {"id": "urn:epcglobal:cbv:mda#name", "attribute": "Somewhere"}
FARM = {"id": "urn:trace-engine:mda:facilityType", "attribute": "FARM"}


def master_document(site: str, attributes: list[dict[str, Any]], n: int = 1) -> bytes:
    """A location with `attributes` in the header's master data, and an event elsewhere."""
    event = {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:00000000-0000-4000-f000-{n:012d}",
        "eventTime": "2024-03-01T10:00:00Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "epcList": [f"urn:epc:id:sgtin:0614141.107346.{n}"],
        "bizLocation": {"id": "urn:epc:id:sgln:0614141.00777.0"},
    }
    return orjson.dumps(epcis_document([event], [{"id": site, "attributes": attributes}]))


def _nodes(driver: Driver, settings: Settings) -> int:
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE n:Event OR n:Facility OR n:FacilityData OR n:FarmProfile "
        "OR n:ProductInstance RETURN count(n) AS n",
        database_=settings.neo4j_database,
    )
    return int(records[0]["n"])


async def test_capture_refuses_master_data_no_index_takes_with_a_400_naming_it(
    make_client: Callable[..., httpx.AsyncClient], driver: Driver, settings: Settings
) -> None:
    client = make_client(org=ORG)
    for site, attributes, index in (
        (HUGE_SITE, [NAME], "facility_data_id_org"),
        (FARM_SITE, [FARM], "farm_profile_"),
    ):
        response = await client.post(
            "/epcis/capture",
            content=master_document(site, attributes),
            headers={"Content-Type": "application/ld+json"},
        )
        assert response.status_code == 400, response.text
        detail = response.json()["detail"]
        assert detail.startswith("epcisMasterData urn:x:site:😀") and index in detail
        assert "nothing of the document was stored" in detail
    bad_farm = [FARM, {"id": "urn:trace-engine:mda:areaHectares", "attribute": "many"}]
    response = await client.post(
        "/epcis/capture",
        content=master_document(SITE, bad_farm),
        headers={"Content-Type": "application/ld+json"},
    )
    assert response.status_code == 400, response.text
    assert "areaHectares" in response.json()["detail"]
    assert _nodes(driver, settings) == 0


def test_load_refuses_the_file_and_goes_on_with_the_next(
    tmp_path: Path, driver: Driver, settings: Settings
) -> None:
    paths = []
    for n, (site, attributes) in enumerate(
        [(HUGE_SITE, [NAME]), (FARM_SITE, [FARM]), (SITE, [NAME])], start=1
    ):
        paths.append(tmp_path / f"{n}.jsonld")
        paths[-1].write_bytes(master_document(site, attributes, n))
    reports = load_files(Ingestor(driver, settings.neo4j_database), paths, ORG)
    assert ["facility_data_id_org" in str(r.error) for r in reports] == [True, False, False]
    assert "farm_profile" in str(reports[1].error) and reports[2].error is None
    assert [r.accepted for r in reports] == [0, 0, 1]
    records, _, _ = driver.execute_query(
        "MATCH (e:Event) RETURN e.eventID AS id", database_=settings.neo4j_database
    )
    assert [r["id"][-1] for r in records] == ["3"]


def test_an_attribute_named_org_or_id_does_not_move_the_statement(
    tmp_path: Path, driver: Driver, settings: Settings
) -> None:
    path = tmp_path / "claims.jsonld"
    claims = [NAME, {"id": "org", "attribute": "victim"}, {"id": "id", "attribute": "elsewhere"}]
    path.write_bytes(master_document(SITE, claims))
    [report] = load_files(Ingestor(driver, settings.neo4j_database), [path], "writer")
    assert report.error is None and report.accepted == 1
    records, _, _ = driver.execute_query(
        "MATCH (d:FacilityData)-[:DESCRIBES]->(f:Facility) RETURN d {.*} AS d, f.id AS facility",
        database_=settings.neo4j_database,
    )
    [row] = [r.data() for r in records]
    assert row["d"]["org"] == "writer" and row["d"]["id"] == row["facility"]
    assert row["d"]["urn:trace-engine:mda:org"] == "victim"
    assert row["d"]["urn:trace-engine:mda:id"] == "elsewhere"


async def test_the_master_data_api_refuses_a_statement_no_index_takes_with_a_400(
    make_client: Callable[..., httpx.AsyncClient], driver: Driver, settings: Settings
) -> None:
    client = make_client(org=ORG)
    for site, body, index in (
        (HUGE_SITE, {"name": "x"}, "facility_data_id_org"),
        (FARM_SITE, {"farmerName": "Ana"}, "farm_profile_"),
    ):
        response = await client.put(f"/api/v1/facilities/{quote(site, safe='')}", json=body)
        assert response.status_code == 400, response.text
        error = response.json()["error"]
        assert "urn:x:site:😀" in error and index in error and "nothing was stored" in error
    assert _nodes(driver, settings) == 0
    # the same id beside a short org fits
    response = await make_client(org="short").put(
        f"/api/v1/facilities/{quote(HUGE_SITE, safe='')}", json={"name": "x"}
    )
    assert response.status_code == 200, response.text

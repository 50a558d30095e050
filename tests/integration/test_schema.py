"""cypher/schema.cypher is idempotent and creates every constraint it names."""

from __future__ import annotations

import pytest
from neo4j import Driver

from trace_engine.config import Settings
from trace_engine.epcis_query.params import parse_query
from trace_engine.epcis_query.planner import plan
from trace_engine.epcis_query.repository import RESOURCES
from trace_engine.epcis_query.schemas import Position
from trace_engine.graph import schema
from trace_engine.graph.catalog import Query, query
from trace_engine.graph.schema import apply_schema, expected_constraint_names


def _constraints(driver: Driver, settings: Settings) -> list[tuple[str, str, list[str]]]:
    records, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties "
        "RETURN name, labelsOrTypes[0] AS label, properties ORDER BY name",
        database_=settings.neo4j_database,
    )
    return [(r["name"], r["label"], r["properties"]) for r in records]


def test_schema_applied_twice_gives_the_same_constraints(driver: Driver, settings: Settings):
    apply_schema(driver, settings.neo4j_database)
    first = _constraints(driver, settings)
    apply_schema(driver, settings.neo4j_database)
    second = _constraints(driver, settings)
    assert first == second
    assert expected_constraint_names() == {name for name, _, _ in first}
    assert ("product_instance_id", "ProductInstance", ["id"]) in first
    assert ("event_owner_id", "Event", ["eventID", "owner"]) in first


def test_uniqueness_is_enforced(driver: Driver, settings: Settings):
    db = settings.neo4j_database
    driver.execute_query("CREATE (:ProductInstance {id: 'x'})", database_=db)
    try:
        driver.execute_query("CREATE (:ProductInstance {id: 'x'})", database_=db)
    except Exception as exc:  # noqa: BLE001 - any constraint violation will do
        assert "already exists" in str(exc)
    else:
        raise AssertionError("a second ProductInstance with the same id was created")
    records, _, _ = driver.execute_query(query(Query.COUNTS), database_=db)
    assert records[0]["nodes"] == 1


def _indexes(driver: Driver, settings: Settings) -> set[str]:
    records, _, _ = driver.execute_query(
        "SHOW INDEXES YIELD name RETURN collect(name) AS names",
        database_=settings.neo4j_database,
    )
    return set(records[0]["names"])


def test_indexes_of_earlier_versions_are_dropped(driver: Driver, settings: Settings):
    db = settings.neo4j_database
    driver.execute_query(
        "CREATE INDEX traceability_record_org IF NOT EXISTS "
        "FOR (n:TraceabilityRecord) ON (n.org, n.productId, n.batchNumber)",
        database_=db,
    )
    driver.execute_query(
        "CREATE INDEX event_hash IF NOT EXISTS FOR (n:Event) ON (n.hash)", database_=db
    )
    apply_schema(driver, db)
    names = _indexes(driver, settings)
    assert {"traceability_record_org", "event_hash"}.isdisjoint(names)
    assert {"traceability_record_of_org", "event_time", "event_owner"} <= names


def test_a_current_schema_runs_no_statement_and_a_missing_part_is_made_again(
    driver: Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    db = settings.neo4j_database
    apply_schema(driver, db)
    made: list[int] = []
    real = schema._create_schema
    monkeypatch.setattr(schema, "_create_schema", lambda *args: made.append(1) or real(*args))
    apply_schema(driver, db)
    assert made == []  # everything there and online: one SHOW INDEXES, no statement
    driver.execute_query("DROP INDEX event_time", database_=db)
    driver.execute_query("DROP CONSTRAINT product_instance_id", database_=db)
    apply_schema(driver, db)
    assert made == [1]
    assert {"event_time", "product_instance_id"} <= _indexes(driver, settings)
    assert ("product_instance_id", "ProductInstance", ["id"]) in _constraints(driver, settings)


def test_records_are_listed_through_the_org_index(driver: Driver, settings: Settings):
    apply_schema(driver, settings.neo4j_database)
    with driver.session(database=settings.neo4j_database) as session:
        summary = session.run(
            "EXPLAIN " + query(Query.RECORDS_LIST),
            org="demo",
            productKey=None,
            batchNumber=None,
            skip=0,
            limit=20,
        ).consume()
    assert summary.plan is not None
    plan = summary.plan["args"]["string-representation"]
    assert "NodeIndexSeek" in plan
    assert "TraceabilityRecord(org)" in plan


def test_snake_case_keys_orgs_and_shares_are_migrated_once(driver: Driver, settings: Settings):
    """Keys, orgs and shares written before their properties were camelCase keep working."""
    from trace_engine.keys import KeyService, hash_secret

    db = settings.neo4j_database
    secret = "ab12cd34" + "0" * 56
    driver.execute_query("DROP CONSTRAINT api_key_key_prefix IF EXISTS", database_=db)
    driver.execute_query(
        "CREATE CONSTRAINT api_key_prefix IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.key_prefix "
        "IS UNIQUE",
        database_=db,
    )
    driver.execute_query(
        "CREATE (o:Org {id: 'old', created_at: '2025-01-01T00:00:00.000Z'}) "
        "CREATE (p:Org {id: 'peer', created_at: '2025-01-01T00:00:00.000Z'}) "
        "CREATE (o)-[:SHARES_WITH {created_at: '2025-01-02T00:00:00.000Z'}]->(p) "
        "CREATE (k:ApiKey {id: 'k1', org: 'old', name: 'old key', scopes: ['read'], "
        "status: 'active', key_prefix: $prefix, key_hash: $hash, "
        "created_at: '2025-01-01T00:00:00.000Z', expires_at: null, last_used_at: null, "
        "rate_limit_per_hour: 77})-[:BELONGS_TO]->(o)",
        prefix=secret[:8],
        hash=hash_secret(secret),
        database_=db,
    )
    for _ in range(2):  # the second run finds nothing left to change
        apply_schema(driver, db)
    records, _, _ = driver.execute_query(
        "MATCH (k:ApiKey {id: 'k1'}) MATCH (o:Org {id: 'old'})-[s:SHARES_WITH]->() "
        "RETURN properties(k) AS k, properties(o) AS o, properties(s) AS s",
        database_=db,
    )
    key, org, share = records[0]["k"], records[0]["o"], records[0]["s"]
    assert not [name for name in (*key, *org, *share) if "_" in name]
    assert key["keyPrefix"] == secret[:8] and key["rateLimitPerHour"] == 77
    assert org["createdAt"] == "2025-01-01T00:00:00.000Z"
    assert share["createdAt"] == "2025-01-02T00:00:00.000Z"
    names = {name for name, _, _ in _constraints(driver, settings)}
    assert "api_key_prefix" not in names and "api_key_key_prefix" in names

    service = KeyService(driver, db)
    assert service.authenticate(secret).rate_limit_per_hour == 77
    (listed,) = service.list_keys("old")
    assert listed["key_prefix"] == secret[:8] and listed["created_at"] == org["createdAt"]
    (shared,) = service.shares("old")
    assert shared["created_at"] == "2025-01-02T00:00:00.000Z"


def test_write_keys_stored_when_scopes_nested_keep_reading(driver: Driver, settings: Settings):
    """Scopes are needed by name now; a key stored with `write` alone (which could read when
    scopes nested) is given `read` once, and keeps what it could do; others are untouched."""
    from trace_engine.keys import KeyService, grants, hash_secret

    db = settings.neo4j_database
    secrets = {"w": "ef12ab34" + "1" * 56, "a": "ef12ab35" + "2" * 56}
    for ident, scopes in (("w", ["write"]), ("a", ["admin"])):
        driver.execute_query(
            "MERGE (o:Org {id: 'nested'}) "
            "CREATE (k:ApiKey {id: $id, org: 'nested', name: $id, scopes: $scopes, "
            "status: 'active', keyPrefix: $prefix, keyHash: $hash, "
            "createdAt: '2025-01-01T00:00:00.000Z', rateLimitPerHour: 1000})-[:BELONGS_TO]->(o)",
            id=f"scopes-{ident}",
            scopes=scopes,
            prefix=secrets[ident][:8],
            hash=hash_secret(secrets[ident]),
            database_=db,
        )
    assert not grants(["write"], "read")  # what the stored key would be refused
    driver.execute_query("MATCH (m:Migration {id: 'key-scopes-by-name'}) DELETE m", database_=db)
    for _ in range(2):  # the second run finds nothing left to change
        apply_schema(driver, db)
    records, _, _ = driver.execute_query(
        "MATCH (k:ApiKey) WHERE k.id STARTS WITH 'scopes-' RETURN k.id AS id, k.scopes AS s",
        database_=db,
    )
    assert {r["id"]: r["s"] for r in records} == {
        "scopes-w": ["read", "write"],
        "scopes-a": ["admin"],
    }
    service = KeyService(driver, db)
    assert grants(list(service.authenticate(secrets["w"]).scopes), "read")


def _plan_of(driver: Driver, settings: Settings, text: str, parameters: dict[str, object]) -> str:
    with driver.session(database=settings.neo4j_database) as session:
        summary = session.run("EXPLAIN " + text, parameters).consume()
    assert summary.plan is not None
    plan: str = summary.plan["args"]["string-representation"]
    return plan


@pytest.mark.parametrize(
    ("query_string", "index"),
    [
        (
            [("EQ_bizStep", "shipping"), ("GE_eventTime", "2024-01-01T00:00:00Z")],
            "Event(eventTime)",
        ),
        (
            [("orderBy", "recordTime"), ("GE_recordTime", "2024-01-01T00:00:00Z")],
            "Event(recordTime)",
        ),
        ([("MATCH_epc", "urn:epc:id:sgtin:0614141.107346.2017")], "ProductInstance(id)"),
        ([("MATCH_epcClass", "urn:epc:idpat:sgtin:0614141.107346.*")], "ProductInstance(id)"),
        ([("EQ_bizLocation", "urn:epc:id:sgln:0614141.00888.0")], "Facility(id)"),
        # an event's identity is (eventID, owner): the composite unique index serves it
        ([("EQ_eventID", "urn:uuid:1")], "Event(eventID, owner)"),
    ],
)
def test_epcis_queries_start_from_an_index(
    driver: Driver, settings: Settings, query_string: list[tuple[str, str]], index: str
) -> None:
    apply_schema(driver, settings.neo4j_database)
    q = parse_query(query_string)
    for after in (None, Position("2024-02-01T00:00:00.000Z", "urn:uuid:x", "demo")):
        statement = plan(q, ["demo"], after, 101)
        text = _plan_of(driver, settings, statement.text, statement.parameters)
        assert "NodeIndexSeek" in text or "NodeUniqueIndexSeek" in text, text
        assert index in text, text
        assert "AllNodesScan" not in text and "NodeByLabelScan" not in text, text


@pytest.mark.parametrize(
    ("resource", "index"),
    [
        ("biz_steps", "Event(bizStep)"),
        ("event_types", "Event(eventType)"),
        ("dispositions", "Event(disposition)"),
        ("epcs", "ProductInstance(id)"),
        ("biz_locations", "Facility(id)"),
    ],
)
def test_epcis_resources_use_an_index(
    driver: Driver, settings: Settings, resource: str, index: str
) -> None:
    apply_schema(driver, settings.neo4j_database)
    text = _plan_of(
        driver,
        settings,
        query(RESOURCES[resource][0]),
        {"orgs": ["demo"], "after": "", "limit": 30},
    )
    assert index in text, text


# the shape of an earlier version: master data and lot data as properties of shared nodes
LEGACY = """
CREATE (f:Facility {id: '414/1', displayId: 'urn:epc:id:sgln:1', name: 'Farm', city: 'Salinas'})
CREATE (p:Product {id: '01/1', displayId: 'urn:p:1', name: 'Lettuce'})
CREATE (i:ProductInstance {id: '01/1/10/L', displayId: 'urn:l', kind: 'lot',
                           harvestStartDate: '2024-05-01'})
CREATE (i)-[:INSTANCE_OF]->(p)
CREATE (e:Event {eventID: 'e1', owner: 'org-a', eventTime: '2024-05-01T00:00:00.000Z',
                 recordTime: '2024-05-01T00:00:00.000Z'})
CREATE (e)-[:AT]->(f), (e)-[:OBSERVED]->(i)
CREATE (b:Event {eventID: 'e1', owner: 'org-b', eventTime: '2024-05-02T00:00:00.000Z',
                 recordTime: '2024-05-02T00:00:00.000Z'})
CREATE (b)-[:AT]->(f)
CREATE (:Facility {id: '414/2', displayId: 'urn:epc:id:sgln:2', name: 'Nobody says'})
"""


def _statements(driver: Driver, settings: Settings) -> list[tuple[str, str, str, dict]]:
    records, _, _ = driver.execute_query(
        "MATCH (d)-[:DESCRIBES]->(n) RETURN labels(d)[0] AS label, d.org AS org, n.id AS id, "
        "properties(d) AS said ORDER BY label, id",
        database_=settings.neo4j_database,
    )
    return [(r["label"], r["org"], r["id"], r["said"]) for r in records]


def _node_keys(driver: Driver, settings: Settings) -> dict[str, list[str]]:
    records, _, _ = driver.execute_query(
        "MATCH (n:Facility|Product|ProductInstance) RETURN n.id AS id, keys(n) AS keys",
        database_=settings.neo4j_database,
    )
    return {r["id"]: sorted(r["keys"]) for r in records}


def test_the_migration_gives_legacy_master_data_to_the_first_event_owner_once(
    driver: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    driver.execute_query(LEGACY, database_=db)  # the wipe removed the Migration record
    apply_schema(driver, db)
    said = _statements(driver, settings)
    assert said == [
        ("FacilityData", "org-a", "414/1", {"id": "414/1", "org": "org-a", "name": "Farm",
                                           "city": "Salinas"}),
        ("LotData", "org-a", "01/1/10/L", {"id": "01/1/10/L", "org": "org-a",
                                           "harvestStartDate": "2024-05-01"}),
        ("ProductData", "org-a", "01/1", {"id": "01/1", "org": "org-a", "name": "Lettuce"}),
    ]  # fmt: skip
    keys = _node_keys(driver, settings)
    assert keys["414/1"] == ["displayId", "id"]
    assert keys["01/1/10/L"] == ["displayId", "id", "kind"]
    # two orgs in the database and no event at 414/2: its name stays, shown to nobody
    assert keys["414/2"] == ["displayId", "id", "name"]
    records, _, _ = driver.execute_query(
        "MATCH (m:Migration {id: 'statements-per-org'}) RETURN m.unattributed AS n", database_=db
    )
    assert [r["n"] for r in records] == [1]
    # again: recorded, so nothing runs; and each statement is idempotent on its own
    apply_schema(driver, db)
    driver.execute_query("MATCH (m:Migration) DELETE m", database_=db)
    apply_schema(driver, db)
    assert _statements(driver, settings) == said
    assert _node_keys(driver, settings) == keys

"""The query catalog: every Cypher statement the engine runs, each reached through one name.

The statements live in the project's top-level `cypher/` folder, which the build maps into the
package as `trace_engine.queries` (see pyproject.toml), so they load through
`importlib.resources` from a wheel, an sdist or an editable install alike.

A new statement is a file `cypher/<domain>_<verb>.cypher` and a member here, the file name in
capitals: `cypher/records_list.cypher` is `Query.RECORDS_LIST`, run as
`tx.run(query(Query.RECORDS_LIST), ...)`. A misspelt member fails mypy and import; a file
without a member, or a member without a file or a use, fails tests/unit/test_catalog.py.

Each statement has an access mode: a statement that writes is listed in `WRITES`, every other
one reads. Reads run in read transactions (`trace_engine.graph.access.read_tx`), which a Neo4j
cluster may route to any member; writes run in write transactions (`write_tx`), sent to the
leader. tests/unit/test_access_modes.py checks the list against what each file does and each
transaction against the statements it runs; `query()` refuses a writing statement inside a
read transaction at run time (`MisroutedQuery`), before it reaches the server.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib.resources import files

QUERIES_PACKAGE = "trace_engine.queries"


class Query(enum.StrEnum):
    """Every `.cypher` file of `cypher/`, by its path without the suffix."""

    ANALYST_FACILITIES_OF_LOT = "analyst/facilities_of_lot"
    ANALYST_FACILITY_EVENTS_ON_DAY = "analyst/facility_events_on_day"
    ANALYST_FARMS_BEHIND_SHIPMENT = "analyst/farms_behind_shipment"
    ANALYST_FSMA_CTE_OF_TRACE = "analyst/fsma_cte_of_trace"
    ANALYST_GRAPH_MODEL = "analyst/graph_model"
    ANALYST_IDENTIFIER_FORMS = "analyst/identifier_forms"
    ANALYST_RECALL_GRAPH = "analyst/recall_graph"
    ANALYST_RECALL_IMPACT = "analyst/recall_impact"
    ANALYST_SIBLINGS = "analyst/siblings"
    ANALYST_STORES_REACHED = "analyst/stores_reached"
    ANALYST_TRACE_DOWN = "analyst/trace_down"
    ANALYST_TRACE_UP = "analyst/trace_up"
    CAPTURE_JOBS_FLOOR = "capture_jobs_floor"
    CAPTURE_JOBS_LIST = "capture_jobs_list"
    CAPTURE_JOB_CREATE = "capture_job_create"
    CAPTURE_JOB_FINISH = "capture_job_finish"
    CAPTURE_JOB_GET = "capture_job_get"
    CAPTURE_JOB_INTERRUPT = "capture_job_interrupt"
    CAPTURE_JOB_RENEW = "capture_job_renew"
    COUNTS = "counts"
    ENTERPRISE_BATCHES_COUNT = "enterprise_batches_count"
    ENTERPRISE_BATCHES_COUNT_BY_STATUS = "enterprise_batches_count_by_status"
    ENTERPRISE_BATCHES_LIST = "enterprise_batches_list"
    ENTERPRISE_BATCHES_LIST_BY_STATUS = "enterprise_batches_list_by_status"
    ENTERPRISE_BATCHES_WRITE = "enterprise_batches_write"
    ENTERPRISE_BATCH_CANDIDATES = "enterprise_batch_candidates"
    ENTERPRISE_BATCH_FACTS = "enterprise_batch_facts"
    ENTERPRISE_FARMS_COUNT = "enterprise_farms_count"
    ENTERPRISE_FARMS_COUNT_BY_STATUS = "enterprise_farms_count_by_status"
    ENTERPRISE_FARMS_LIST = "enterprise_farms_list"
    ENTERPRISE_FARMS_LIST_BY_STATUS = "enterprise_farms_list_by_status"
    ENTERPRISE_FARM_PROFILES_PUT = "enterprise_farm_profiles_put"
    ENTERPRISE_FARM_PROFILE_DELETE = "enterprise_farm_profile_delete"
    ENTERPRISE_FARM_PROFILE_GET = "enterprise_farm_profile_get"
    ENTERPRISE_FARM_STATUSES = "enterprise_farm_statuses"
    ENTERPRISE_LINEAGE = "enterprise_lineage"
    ENTERPRISE_LISTINGS_LOCK = "enterprise_listings_lock"
    ENTERPRISE_ORG_ACTIVE = "enterprise_org_active"
    ENTERPRISE_SHIPMENTS_COUNT = "enterprise_shipments_count"
    ENTERPRISE_SHIPMENTS_COUNT_BY_STATUS = "enterprise_shipments_count_by_status"
    ENTERPRISE_SHIPMENTS_LIST = "enterprise_shipments_list"
    ENTERPRISE_SHIPMENTS_LIST_BY_STATUS = "enterprise_shipments_list_by_status"
    ENTERPRISE_SHIPMENT_GET = "enterprise_shipment_get"
    ENTERPRISE_SHIPMENT_PUT = "enterprise_shipment_put"
    ENTERPRISE_SHIPPING_WRITE = "enterprise_shipping_write"
    ENTERPRISE_TALLIES_FORGET = "enterprise_tallies_forget"
    ENTERPRISE_TALLIES_MOVE = "enterprise_tallies_move"
    ENTERPRISE_TALLIES_PRUNE = "enterprise_tallies_prune"
    ENTERPRISE_TALLIES_TOTAL = "enterprise_tallies_total"
    EPCIS_QUERY_AFTER_EVENT_TIME_ASC = "epcis_query/after_event_time_asc"
    EPCIS_QUERY_AFTER_EVENT_TIME_DESC = "epcis_query/after_event_time_desc"
    EPCIS_QUERY_AFTER_RECORD_TIME_ASC = "epcis_query/after_record_time_asc"
    EPCIS_QUERY_AFTER_RECORD_TIME_DESC = "epcis_query/after_record_time_desc"
    EPCIS_QUERY_ANCHOR_EVENT_IDS = "epcis_query/anchor_event_ids"
    EPCIS_QUERY_ANCHOR_EVENT_TIME = "epcis_query/anchor_event_time"
    EPCIS_QUERY_ANCHOR_FACILITIES = "epcis_query/anchor_facilities"
    EPCIS_QUERY_ANCHOR_RECORD_TIME = "epcis_query/anchor_record_time"
    EPCIS_QUERY_ANCHOR_THINGS = "epcis_query/anchor_things"
    EPCIS_QUERY_FILTER_ACTIONS = "epcis_query/filter_actions"
    EPCIS_QUERY_FILTER_BIZ_LOCATIONS = "epcis_query/filter_biz_locations"
    EPCIS_QUERY_FILTER_BIZ_STEPS = "epcis_query/filter_biz_steps"
    EPCIS_QUERY_FILTER_DISPOSITIONS = "epcis_query/filter_dispositions"
    EPCIS_QUERY_FILTER_EVENT_IDS = "epcis_query/filter_event_ids"
    EPCIS_QUERY_FILTER_EVENT_TIME = "epcis_query/filter_event_time"
    EPCIS_QUERY_FILTER_EVENT_TYPES = "epcis_query/filter_event_types"
    EPCIS_QUERY_FILTER_MATCH_ANY = "epcis_query/filter_match_any"
    EPCIS_QUERY_FILTER_MATCH_ANY_CLASS = "epcis_query/filter_match_any_class"
    EPCIS_QUERY_FILTER_MATCH_EPC = "epcis_query/filter_match_epc"
    EPCIS_QUERY_FILTER_MATCH_EPC_CLASS = "epcis_query/filter_match_epc_class"
    EPCIS_QUERY_FILTER_MATCH_INPUT = "epcis_query/filter_match_input"
    EPCIS_QUERY_FILTER_MATCH_INPUT_CLASS = "epcis_query/filter_match_input_class"
    EPCIS_QUERY_FILTER_MATCH_OUTPUT = "epcis_query/filter_match_output"
    EPCIS_QUERY_FILTER_MATCH_OUTPUT_CLASS = "epcis_query/filter_match_output_class"
    EPCIS_QUERY_FILTER_MATCH_PARENT = "epcis_query/filter_match_parent"
    EPCIS_QUERY_FILTER_READ_POINTS = "epcis_query/filter_read_points"
    EPCIS_QUERY_FILTER_RECORD_TIME = "epcis_query/filter_record_time"
    EPCIS_QUERY_FILTER_WD_BIZ_LOCATIONS = "epcis_query/filter_wd_biz_locations"
    EPCIS_QUERY_FILTER_WD_READ_POINTS = "epcis_query/filter_wd_read_points"
    EPCIS_QUERY_PLACE_CHILDREN = "epcis_query/place_children"
    EPCIS_QUERY_ORDER_EVENT_TIME_ASC = "epcis_query/order_event_time_asc"
    EPCIS_QUERY_ORDER_EVENT_TIME_DESC = "epcis_query/order_event_time_desc"
    EPCIS_QUERY_ORDER_RECORD_TIME_ASC = "epcis_query/order_record_time_asc"
    EPCIS_QUERY_ORDER_RECORD_TIME_DESC = "epcis_query/order_record_time_desc"
    EPCIS_QUERY_RESOURCE_BIZ_LOCATIONS = "epcis_query/resource_biz_locations"
    EPCIS_QUERY_RESOURCE_BIZ_LOCATIONS_ONE = "epcis_query/resource_biz_locations_one"
    EPCIS_QUERY_RESOURCE_BIZ_STEPS = "epcis_query/resource_biz_steps"
    EPCIS_QUERY_RESOURCE_BIZ_STEPS_ONE = "epcis_query/resource_biz_steps_one"
    EPCIS_QUERY_RESOURCE_DISPOSITIONS = "epcis_query/resource_dispositions"
    EPCIS_QUERY_RESOURCE_DISPOSITIONS_ONE = "epcis_query/resource_dispositions_one"
    EPCIS_QUERY_RESOURCE_EPCS = "epcis_query/resource_epcs"
    EPCIS_QUERY_RESOURCE_EPCS_ONE = "epcis_query/resource_epcs_one"
    EPCIS_QUERY_RESOURCE_EVENT_TYPES = "epcis_query/resource_event_types"
    EPCIS_QUERY_RESOURCE_EVENT_TYPES_ONE = "epcis_query/resource_event_types_one"
    EPCIS_QUERY_RESOURCE_READ_POINTS = "epcis_query/resource_read_points"
    EPCIS_QUERY_RESOURCE_READ_POINTS_ONE = "epcis_query/resource_read_points_one"
    FSMA204_CONTENTS = "fsma204_contents"
    FSMA204_EVENTS = "fsma204_events"
    FSMA204_EVENT_KEYS = "fsma204_event_keys"
    FSMA204_LINEAGE = "fsma204_lineage"
    FSMA204_LOTS = "fsma204_lots"
    FSMA204_MASTERDATA = "fsma204_masterdata"
    FSMA204_PRODUCT_SCOPE = "fsma204_product_scope"
    INGEST_ERROR_DECLARATIONS = "ingest_error_declarations"
    INGEST_EVENTS = "ingest_events"
    INGEST_EXISTING_EVENTS = "ingest_existing_events"
    INGEST_FACILITIES = "ingest_facilities"
    INGEST_INSTANCES = "ingest_instances"
    INGEST_LINEAGE = "ingest_lineage"
    INGEST_PARTIES = "ingest_parties"
    INGEST_PRODUCTS = "ingest_products"
    INITIAL_CONTENTS = "initial_contents"
    JOURNEYS_CREATE = "journeys_create"
    JOURNEYS_DELETE = "journeys_delete"
    JOURNEYS_FACETS = "journeys_facets"
    JOURNEYS_GET = "journeys_get"
    JOURNEYS_LIST = "journeys_list"
    JOURNEYS_LOCK = "journeys_lock"
    JOURNEYS_TOTALS = "journeys_totals"
    JOURNEYS_UPDATE = "journeys_update"
    KEYS_BY_PREFIX = "keys_by_prefix"
    KEYS_CREATE = "keys_create"
    KEYS_LIST = "keys_list"
    KEYS_REVOKE = "keys_revoke"
    KEYS_TOUCH = "keys_touch"
    MASTERDATA_FACILITY_PUT = "masterdata_facility_put"
    MASTERDATA_PRODUCT_PUT = "masterdata_product_put"
    MIGRATE_STATEMENTS = "migrate_statements"
    MIGRATE_TALLIES = "migrate_tallies"
    MIGRATE_EMPTY_TALLIES = "migrate_empty_tallies"
    MIGRATE_KEY_SCOPES = "migrate_key_scopes"
    MIGRATE_PADDED_YEARS = "migrate_padded_years"
    MIGRATION_DONE = "migration_done"
    MIGRATION_GET = "migration_get"
    MIGRATION_RECORD = "migration_record"
    MIGRATION_REPORT = "migration_report"
    MIGRATION_SOLE_ORG = "migration_sole_org"
    NAMED_QUERIES_CREATE = "named_queries_create"
    NAMED_QUERIES_DELETE = "named_queries_delete"
    NAMED_QUERIES_GET = "named_queries_get"
    NAMED_QUERIES_LIST = "named_queries_list"
    PAYLOAD_ATTACH = "payload_attach"
    PAYLOAD_TARGETS_MISSING = "payload_targets_missing"
    PING = "ping"
    RECALLS_PLACES = "recalls_places"
    RECORDS_COUNT = "records_count"
    RECORDS_CREATE = "records_create"
    RECORDS_DELETE = "records_delete"
    RECORDS_GET = "records_get"
    RECORDS_INSTANCES = "records_instances"
    RECORDS_LINK = "records_link"
    RECORDS_LIST = "records_list"
    RECORDS_UPDATE = "records_update"
    SCHEMA = "schema"
    SCHEMA_AWAIT = "schema_await"
    SCHEMA_CONSTRAINTS = "schema_constraints"
    SCHEMA_INDEXES = "schema_indexes"
    SCHEMA_MIGRATE = "schema_migrate"
    SERVER_VERSION = "server_version"
    SHARING_ACCEPT = "sharing_accept"
    SHARING_CREATE = "sharing_create"
    SHARING_DELETE = "sharing_delete"
    SHARING_LIST = "sharing_list"
    STAGES_DELETE = "stages_delete"
    STAGES_JOURNEY = "stages_journey"
    STAGES_OF_JOURNEY = "stages_of_journey"
    STAGES_WRITE = "stages_write"
    STORED_JOURNEYS_BAD_TOTALS = "stored_journeys_bad_totals"
    STORED_METADATA_QUARANTINE = "stored_metadata_quarantine"
    STORED_METADATA_SUSPECTS = "stored_metadata_suspects"
    STORED_METADATA_TEXT = "stored_metadata_text"
    STORED_STAGE_QUANTITIES = "stored_stage_quantities"
    STORED_STAGE_QUARANTINE = "stored_stage_quarantine"
    STORED_VALUES_REPORT = "stored_values_report"
    SUBSCRIPTIONS_ADVANCE = "subscriptions_advance"
    SUBSCRIPTIONS_ALL = "subscriptions_all"
    SUBSCRIPTIONS_BY_ID = "subscriptions_by_id"
    SUBSCRIPTIONS_CLAIM = "subscriptions_claim"
    SUBSCRIPTIONS_COUNT = "subscriptions_count"
    SUBSCRIPTIONS_CREATE = "subscriptions_create"
    SUBSCRIPTIONS_DELETE = "subscriptions_delete"
    SUBSCRIPTIONS_DUE = "subscriptions_due"
    SUBSCRIPTIONS_GET = "subscriptions_get"
    SUBSCRIPTIONS_LIST = "subscriptions_list"
    SUBSCRIPTIONS_NEXT_DUE = "subscriptions_next_due"
    SUBSCRIPTIONS_RELEASE = "subscriptions_release"
    TRACE = "trace"
    WATCHES_ADVANCE = "watches_advance"
    WATCHES_CLAIM = "watches_claim"
    WATCHES_COUNT = "watches_count"
    WATCHES_CREATE = "watches_create"
    WATCHES_DELETE = "watches_delete"
    WATCHES_DUE = "watches_due"
    WATCHES_GET = "watches_get"
    WATCHES_LIST = "watches_list"
    WATCHES_RECENT = "watches_recent"
    WATCHES_RELEASE = "watches_release"
    VISIBLE_ORGS = "visible_orgs"
    WIPE_NODES_BATCH = "wipe_nodes_batch"
    WIPE_RELATIONSHIPS_BATCH = "wipe_relationships_batch"


class Access(enum.StrEnum):
    """Which kind of transaction a statement needs."""

    READ = "read"
    WRITE = "write"


WRITES: frozenset[Query] = frozenset(
    {
        Query.CAPTURE_JOB_CREATE,
        Query.CAPTURE_JOB_FINISH,
        Query.CAPTURE_JOB_INTERRUPT,
        Query.CAPTURE_JOB_RENEW,
        Query.ENTERPRISE_BATCHES_WRITE,
        Query.ENTERPRISE_FARM_PROFILE_DELETE,
        Query.ENTERPRISE_FARM_PROFILES_PUT,
        Query.ENTERPRISE_LISTINGS_LOCK,
        Query.ENTERPRISE_SHIPMENT_PUT,
        Query.ENTERPRISE_SHIPPING_WRITE,
        Query.ENTERPRISE_TALLIES_FORGET,
        Query.ENTERPRISE_TALLIES_MOVE,
        Query.ENTERPRISE_TALLIES_PRUNE,
        Query.INGEST_ERROR_DECLARATIONS,
        Query.INGEST_EVENTS,
        Query.INGEST_FACILITIES,
        Query.INGEST_INSTANCES,
        Query.INGEST_LINEAGE,
        Query.INGEST_PARTIES,
        Query.INGEST_PRODUCTS,
        Query.JOURNEYS_CREATE,
        Query.JOURNEYS_DELETE,
        Query.JOURNEYS_LOCK,
        Query.JOURNEYS_TOTALS,
        Query.JOURNEYS_UPDATE,
        Query.KEYS_CREATE,
        Query.KEYS_REVOKE,
        Query.KEYS_TOUCH,
        Query.MASTERDATA_FACILITY_PUT,
        Query.MASTERDATA_PRODUCT_PUT,
        Query.MIGRATE_STATEMENTS,
        Query.MIGRATE_TALLIES,
        Query.MIGRATE_EMPTY_TALLIES,
        Query.MIGRATE_KEY_SCOPES,
        Query.MIGRATE_PADDED_YEARS,
        Query.MIGRATION_RECORD,
        Query.MIGRATION_REPORT,
        Query.NAMED_QUERIES_CREATE,
        Query.NAMED_QUERIES_DELETE,
        Query.PAYLOAD_ATTACH,
        Query.RECORDS_CREATE,
        Query.RECORDS_DELETE,
        Query.RECORDS_LINK,
        Query.RECORDS_UPDATE,
        Query.SCHEMA,
        Query.SCHEMA_MIGRATE,
        Query.SHARING_ACCEPT,
        Query.SHARING_CREATE,
        Query.SHARING_DELETE,
        Query.STAGES_DELETE,
        Query.STAGES_WRITE,
        Query.STORED_METADATA_QUARANTINE,
        Query.STORED_STAGE_QUARANTINE,
        Query.SUBSCRIPTIONS_ADVANCE,
        Query.SUBSCRIPTIONS_CLAIM,
        Query.SUBSCRIPTIONS_CREATE,
        Query.SUBSCRIPTIONS_DELETE,
        Query.SUBSCRIPTIONS_RELEASE,
        Query.WATCHES_ADVANCE,
        Query.WATCHES_CLAIM,
        Query.WATCHES_CREATE,
        Query.WATCHES_DELETE,
        Query.WATCHES_RELEASE,
        Query.WIPE_NODES_BATCH,
        Query.WIPE_RELATIONSHIPS_BATCH,
    }
)
"""The statements that write (create, merge, set, delete, remove, change the schema); the
others only read."""


def access(name: Query) -> Access:
    """The access mode `name` needs."""
    return Access.WRITE if name in WRITES else Access.READ


class MisroutedQuery(RuntimeError):
    """A writing statement asked for inside a read transaction: a bug in the caller, which a
    cluster's secondary (and the server itself) would refuse."""


_IN_READ: ContextVar[bool] = ContextVar("in_read_transaction", default=False)


@contextmanager
def read_transaction() -> Iterator[None]:
    """Mark the block as the body of a read transaction (`access.read_tx` does)."""
    token = _IN_READ.set(True)
    try:
        yield
    finally:
        _IN_READ.reset(token)


def query(name: Query) -> str:
    """The text of the statement `name` (`cypher/<name>.cypher`); a writing statement asked
    for inside a read transaction raises `MisroutedQuery`."""
    if not isinstance(name, Query):
        raise TypeError(f"query() takes a Query member, not {name!r}")
    if name in WRITES and _IN_READ.get():
        raise MisroutedQuery(
            f"{name.value}.cypher writes, but runs in a read transaction: run it with write_tx"
        )
    return _text(name)


@cache
def _text(name: Query) -> str:
    return (files(QUERIES_PACKAGE) / f"{name.value}.cypher").read_text(encoding="utf-8")


def statements(name: Query) -> list[str]:
    """The `;`-separated statements of a multi-statement file, without `//` comment lines."""
    lines = [ln for ln in query(name).splitlines() if not ln.lstrip().startswith("//")]
    return [stmt.strip() for stmt in "\n".join(lines).split(";") if stmt.strip()]

// Constraints and indexes for the graph model (docs/architecture.md).
// Applied idempotently at API start-up and by `trace-engine db migrate`.
// Every MERGE key has a uniqueness constraint (which also gives it an index).

CREATE CONSTRAINT facility_id IF NOT EXISTS FOR (n:Facility) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT product_id IF NOT EXISTS FOR (n:Product) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT product_instance_id IF NOT EXISTS FOR (n:ProductInstance) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT party_id IF NOT EXISTS FOR (n:Party) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT alias_id IF NOT EXISTS FOR (n:Alias) REQUIRE n.id IS UNIQUE;
// An event or a payload is a statement of the org that made it: its identity is its id
// within its owner, so two orgs' identical ids are two things (docs/architecture.md,
// "Ownership"). Earlier versions made the id alone unique; those constraints go first.
DROP CONSTRAINT event_id IF EXISTS;
DROP CONSTRAINT payload_id IF EXISTS;
CREATE CONSTRAINT event_owner_id IF NOT EXISTS FOR (n:Event) REQUIRE (n.eventID, n.owner) IS UNIQUE;
CREATE CONSTRAINT payload_owner_id IF NOT EXISTS FOR (n:Payload) REQUIRE (n.id, n.owner) IS UNIQUE;
// What one org says about a shared facility, product class or lot (master data, ILMD):
// one statement node per (thing, org), (:FacilityData|ProductData|LotData)-[:DESCRIBES]->.
CREATE CONSTRAINT facility_data_id_org IF NOT EXISTS FOR (n:FacilityData) REQUIRE (n.id, n.org) IS UNIQUE;
CREATE CONSTRAINT product_data_id_org IF NOT EXISTS FOR (n:ProductData) REQUIRE (n.id, n.org) IS UNIQUE;
CREATE CONSTRAINT lot_data_id_org IF NOT EXISTS FOR (n:LotData) REQUIRE (n.id, n.org) IS UNIQUE;
CREATE CONSTRAINT migration_id IF NOT EXISTS FOR (n:Migration) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT org_id IF NOT EXISTS FOR (n:Org) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT api_key_key_prefix IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.keyPrefix IS UNIQUE;
CREATE CONSTRAINT capture_job_id IF NOT EXISTS FOR (n:CaptureJob) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT traceability_record_id IF NOT EXISTS FOR (n:TraceabilityRecord) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT journey_id IF NOT EXISTS FOR (n:Journey) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT processing_stage_id IF NOT EXISTS FOR (n:ProcessingStage) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT journey_lock_id IF NOT EXISTS FOR (n:JourneyLock) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT named_query_org_name IF NOT EXISTS FOR (n:NamedQuery) REQUIRE (n.org, n.name) IS UNIQUE;
CREATE CONSTRAINT subscription_id IF NOT EXISTS FOR (n:Subscription) REQUIRE n.id IS UNIQUE;
CREATE INDEX subscription_next_attempt IF NOT EXISTS FOR (n:Subscription) ON (n.nextAttemptAt);
CREATE CONSTRAINT watch_id IF NOT EXISTS FOR (n:Watch) REQUIRE n.id IS UNIQUE;
CREATE INDEX watch_org IF NOT EXISTS FOR (n:Watch) ON (n.org);

// for analysts' queries by time and by owning org (cypher/analyst/)
CREATE INDEX event_time IF NOT EXISTS FOR (n:Event) ON (n.eventTime);
CREATE INDEX event_owner IF NOT EXISTS FOR (n:Event) ON (n.owner);
CREATE INDEX traceability_record_of_org IF NOT EXISTS FOR (n:TraceabilityRecord) ON (n.org);
CREATE INDEX journey_org IF NOT EXISTS FOR (n:Journey) ON (n.org);
CREATE INDEX api_key_org IF NOT EXISTS FOR (n:ApiKey) ON (n.org);

// for the EPCIS query interface (cypher/epcis_query/): events walked in eventTime or
// recordTime order (keyset pages), the vocabulary resources (one seek per distinct value),
// capture jobs by org; identifiers and places are found through their unique ids
CREATE INDEX event_record_time IF NOT EXISTS FOR (n:Event) ON (n.recordTime);
CREATE INDEX event_type IF NOT EXISTS FOR (n:Event) ON (n.eventType);
CREATE INDEX event_biz_step IF NOT EXISTS FOR (n:Event) ON (n.bizStep);
CREATE INDEX event_disposition IF NOT EXISTS FOR (n:Event) ON (n.disposition);
CREATE INDEX capture_job_org IF NOT EXISTS FOR (n:CaptureJob) ON (n.org);
// capture jobs still being written (recall watches and subscriptions never pass one: capture_jobs_floor)
CREATE INDEX capture_job_lease IF NOT EXISTS FOR (n:CaptureJob) ON (n.leaseUntil);

// Indexes of earlier versions that no query can use: an event's hash is only the source of
// its eventID (`hash` is kept for information), and records are listed by org with optional
// filters (`$x IS NULL OR …`), which the planner serves from the org index, not a composite.
DROP INDEX event_hash IF EXISTS;
DROP INDEX traceability_record_org IF EXISTS;
DROP INDEX traceability_record_product IF EXISTS;
DROP INDEX traceability_record_batch IF EXISTS;

// The enterprise listings (trace_engine/enterprise/): one statement per org and thing, keyed by
// the JSON text of [org, id]; listed through `rank` / `statusRank` (org, status, createdAt, id
// in one string whose index gives a page in order).
CREATE CONSTRAINT farm_profile_key IF NOT EXISTS FOR (n:FarmProfile) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT batch_key IF NOT EXISTS FOR (n:Batch) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT shipment_key IF NOT EXISTS FOR (n:Shipment) REQUIRE n.key IS UNIQUE;
CREATE INDEX farm_profile_rank IF NOT EXISTS FOR (n:FarmProfile) ON (n.rank);
CREATE INDEX farm_profile_status_rank IF NOT EXISTS FOR (n:FarmProfile) ON (n.statusRank);
CREATE INDEX farm_profile_of_org IF NOT EXISTS FOR (n:FarmProfile) ON (n.org);
CREATE INDEX batch_rank IF NOT EXISTS FOR (n:Batch) ON (n.rank);
CREATE INDEX batch_status_rank IF NOT EXISTS FOR (n:Batch) ON (n.statusRank);
CREATE INDEX shipment_rank IF NOT EXISTS FOR (n:Shipment) ON (n.rank);
CREATE INDEX shipment_status_rank IF NOT EXISTS FOR (n:Shipment) ON (n.statusRank);
CREATE INDEX shipment_of_org IF NOT EXISTS FOR (n:Shipment) ON (n.org);
// meta.total of each listing: one (:Tally) per listing, status and org, counting its rows by
// their COUNTED_IN relationships (cypher/enterprise_tallies_move.cypher)
CREATE CONSTRAINT tally_key IF NOT EXISTS FOR (n:Tally) REQUIRE n.key IS UNIQUE;
// the org's lock taken by every writer of its listings (cypher/enterprise_listings_lock.cypher)
CREATE CONSTRAINT listings_lock_org IF NOT EXISTS FOR (n:ListingsLock) REQUIRE n.org IS UNIQUE;
// the first version's composite (org, createdAt) / (org, status) indexes could not give a page
// in order (every row of the org was read and sorted)
DROP INDEX farm_profile_org IF EXISTS;
DROP INDEX batch_org IF EXISTS;
DROP INDEX batch_org_status IF EXISTS;
DROP INDEX shipment_org IF EXISTS;
DROP INDEX shipment_org_status IF EXISTS;

// Constraints and indexes for the graph model (docs/architecture.md).
// Applied idempotently at API start-up and by `trace-engine db migrate`.
// Every MERGE key has a uniqueness constraint (which also gives it an index).

CREATE CONSTRAINT facility_id IF NOT EXISTS FOR (n:Facility) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT product_id IF NOT EXISTS FOR (n:Product) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT product_instance_id IF NOT EXISTS FOR (n:ProductInstance) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT party_id IF NOT EXISTS FOR (n:Party) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT alias_id IF NOT EXISTS FOR (n:Alias) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.eventID IS UNIQUE;
CREATE CONSTRAINT payload_id IF NOT EXISTS FOR (n:Payload) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT org_id IF NOT EXISTS FOR (n:Org) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT api_key_prefix IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.key_prefix IS UNIQUE;
CREATE CONSTRAINT capture_job_id IF NOT EXISTS FOR (n:CaptureJob) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT traceability_record_id IF NOT EXISTS FOR (n:TraceabilityRecord) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT journey_id IF NOT EXISTS FOR (n:Journey) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT processing_stage_id IF NOT EXISTS FOR (n:ProcessingStage) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT journey_lock_id IF NOT EXISTS FOR (n:JourneyLock) REQUIRE n.id IS UNIQUE;

CREATE INDEX event_time IF NOT EXISTS FOR (n:Event) ON (n.eventTime);
CREATE INDEX event_owner IF NOT EXISTS FOR (n:Event) ON (n.owner);
CREATE INDEX event_hash IF NOT EXISTS FOR (n:Event) ON (n.hash);
CREATE INDEX traceability_record_org IF NOT EXISTS FOR (n:TraceabilityRecord) ON (n.org, n.productId, n.batchNumber);
CREATE INDEX journey_org IF NOT EXISTS FOR (n:Journey) ON (n.org);
CREATE INDEX api_key_org IF NOT EXISTS FOR (n:ApiKey) ON (n.org);
CREATE INDEX traceability_record_product IF NOT EXISTS FOR (n:TraceabilityRecord) ON (n.org, n.productKey);
CREATE INDEX traceability_record_batch IF NOT EXISTS FOR (n:TraceabilityRecord) ON (n.org, n.batchNumber);

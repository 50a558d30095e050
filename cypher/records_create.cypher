// Create one traceability record (api: POST /api/v1/traceability).
// $props: the record's stored properties (id, org, productId, productKey, batchNumber, origin,
// …, metadata as JSON text, createdAt, updatedAt); links are made by records_link.cypher.
CREATE (r:TraceabilityRecord)
SET r = $props
RETURN properties(r) AS record

// Delete one org's traceability record and its links; returns the product instances it was
// linked to (their cached traces are dropped), or nothing for another org's id.
MATCH (r:TraceabilityRecord {id: $id, org: $org})
OPTIONAL MATCH (r)-[:FOR_INSTANCE]->(i:ProductInstance)
WITH r, collect(i.id) AS instances
DETACH DELETE r
RETURN instances

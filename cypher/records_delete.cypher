// Delete one org's traceability record and its links; returns the product instances it was
// linked to (their cached traces are dropped), or nothing for another org's id.
// :param id => '19bd75bb-9770-4ec7-b1c7-5a864377a672'
// :param org => 'demo'
MATCH (r:TraceabilityRecord {id: $id, org: $org})
OPTIONAL MATCH (r)-[:FOR_INSTANCE]->(i:ProductInstance)
WITH r, collect(i.id) AS instances
DETACH DELETE r
RETURN instances

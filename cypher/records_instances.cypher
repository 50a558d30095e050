// The product instances a traceability record is linked to.
//   :param id => '…'
MATCH (r:TraceabilityRecord {id: $id})
OPTIONAL MATCH (r)-[:FOR_INSTANCE]->(i:ProductInstance)
RETURN collect(i.id) AS instances

// GET /api/v1/product/traceability/{id}: a journey of the org and its stages (unordered;
// the service sorts them by sequenceOrder).
// :param org => 'demo', id => 'j-1'
MATCH (j:Journey {id: $id})
WHERE j.org = $org
RETURN j {.*} AS journey,
       [(j)-[:HAS_STAGE]->(s:ProcessingStage) | s {.*}] AS stages

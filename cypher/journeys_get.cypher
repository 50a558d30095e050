// GET /api/v1/product/traceability/{id}: a journey of the org and its stages (unordered;
// the service sorts them by sequenceOrder).
// :param id => '065cd26d-fdd3-484e-9526-92cc32f1df4a'
// :param org => 'demo'
MATCH (j:Journey {id: $id})
WHERE j.org = $org
RETURN j {.*} AS journey,
       [(j)-[:HAS_STAGE]->(s:ProcessingStage) | s {.*}] AS stages

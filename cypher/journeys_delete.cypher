// DELETE /api/v1/product/traceability/{id}: the journey, its lock node and all its stages.
// :param org => 'demo', id => 'j-1'
MATCH (j:Journey {id: $id})
WHERE j.org = $org
OPTIONAL MATCH (j)-[:HAS_STAGE]->(s:ProcessingStage)
OPTIONAL MATCH (l:JourneyLock)-[:LOCKS]->(j)
DETACH DELETE s, l, j
RETURN count(DISTINCT j) AS deleted

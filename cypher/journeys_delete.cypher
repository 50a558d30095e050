// DELETE /api/v1/product/traceability/{id}: the journey, its lock node and all its stages.
// :param id => 'e3de6cbf-9398-4484-8508-58d79646c390'
// :param org => 'demo'
MATCH (j:Journey {id: $id})
WHERE j.org = $org
OPTIONAL MATCH (j)-[:HAS_STAGE]->(s:ProcessingStage)
OPTIONAL MATCH (l:JourneyLock)-[:LOCKS]->(j)
DETACH DELETE s, l, j
RETURN count(DISTINCT j) AS deleted

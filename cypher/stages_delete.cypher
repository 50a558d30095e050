// DELETE /api/v1/product/traceability/stages/{stageId} (under the journey's lock).
// :param journeyId => 'j-1', stageId => 's-1'
MATCH (:Journey {id: $journeyId})-[:HAS_STAGE]->(s:ProcessingStage {id: $stageId})
DETACH DELETE s
RETURN count(*) AS deleted

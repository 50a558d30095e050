// DELETE /api/v1/product/traceability/stages/{stageId} (under the journey's lock).
// :param journeyId => '5c1e4111-e561-43ed-84c5-ca1afa2dca92'
// :param stageId => '43a6d89a-26f6-48eb-b790-310dd4e35ddd'
MATCH (:Journey {id: $journeyId})-[:HAS_STAGE]->(s:ProcessingStage {id: $stageId})
DETACH DELETE s
RETURN count(*) AS deleted

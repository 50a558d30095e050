// The journey (of the org) holding a stage; read before taking that journey's lock.
// :param org => 'demo', stageId => 's-1'
MATCH (j:Journey)-[:HAS_STAGE]->(:ProcessingStage {id: $stageId})
WHERE j.org = $org
RETURN j.id AS journeyId

// The journey (of the org) holding a stage; read before taking that journey's lock.
// :param stageId => '43a6d89a-26f6-48eb-b790-310dd4e35ddd'
// :param org => 'demo'
MATCH (j:Journey)-[:HAS_STAGE]->(:ProcessingStage {id: $stageId})
WHERE j.org = $org
RETURN j.id AS journeyId

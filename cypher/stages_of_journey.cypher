// The stages of a journey (read under the journey's lock before validating a change).
// :param id => 'j-1'
MATCH (:Journey {id: $id})-[:HAS_STAGE]->(s:ProcessingStage)
RETURN s {.*} AS stage

// Create or replace stages of a journey: `row.props` is each stage's full state (validated by
// the service under the journey's lock). STAGE_AT links the stage to the existing Facility of
// its supplierId / companyId when those parse to a location key.
// :param journeyId => 'j-1'
// :param rows => [{props: {id: 's-1', sequenceOrder: 1, stageName: 'Spinning', …},
// :param          supplierKey: '414/0614141007770', companyKey: null}]
MATCH (j:Journey {id: $journeyId})
UNWIND $rows AS row
MERGE (s:ProcessingStage {id: row.props.id})
SET s = row.props
MERGE (j)-[:HAS_STAGE]->(s)
WITH s, row
OPTIONAL MATCH (s)-[old:STAGE_AT]->()
DELETE old
WITH DISTINCT s, row
OPTIONAL MATCH (supplier:Facility {id: row.supplierKey})
OPTIONAL MATCH (company:Facility {id: row.companyKey})
FOREACH (f IN CASE WHEN supplier IS NULL THEN [] ELSE [supplier] END |
  CREATE (s)-[:STAGE_AT {role: 'supplier'}]->(f))
FOREACH (f IN CASE WHEN company IS NULL THEN [] ELSE [company] END |
  CREATE (s)-[:STAGE_AT {role: 'company'}]->(f))
RETURN count(*) AS written

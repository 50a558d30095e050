// Create or replace stages of a journey: `row.props` is each stage's full state (validated by
// the service under the journey's lock). STAGE_AT links the stage to the existing Facility of
// its supplierId / companyId when those parse to a location key.
// :param journeyId => 'a73a8bfe-f578-4e65-8e86-566845817226'
// :param rows => [{props: {createdAt: '2026-11-29T16:28:22.788Z', stageName: 'a', org: 'demo', distanceKm: 1.0, sequenceOrder: 1, traceabilityId: 'a73a8bfe-f578-4e65-8e86-566845817226', id: '027f59de-b0e0-4b5b-ad95-c6962a053381', co2Emissions: 4.0, updatedAt: '2026-11-29T16:28:22.874Z', supplierKey: null, companyKey: null}, supplierKey: null, companyKey: null}]
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

// POST /api/v1/product/traceability: a new journey (no stages, totals 0) and its JourneyLock
// (the node stage-changing transactions lock, see journeys_lock.cypher), linked to its
// Product when productId parses to a product class that exists.
// :param props => {id: 'j-1', org: 'demo', traceabilityName: 'T-Shirt SS26', productId: 'https://id.gs1.org/01/04012345123456', productKey: '01/04012345123456', totalDistanceKm: 0.0, totalCo2PerKg: 0.0, stageCount: 0, version: 0, createdAt: '2026-11-29T16:28:25.278Z', updatedAt: '2026-11-29T16:28:25.278Z'}
// :param productKey => '01/00614141107346'
CREATE (j:Journey)
SET j = $props
CREATE (:JourneyLock {id: j.id, org: j.org, version: 0})-[:LOCKS]->(j)
WITH j
OPTIONAL MATCH (p:Product {id: $productKey})
FOREACH (product IN CASE WHEN p IS NULL THEN [] ELSE [p] END |
  CREATE (j)-[:FOR_PRODUCT]->(product))
RETURN j {.*} AS journey

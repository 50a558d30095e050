// POST /api/v1/product/traceability: a new journey (no stages, totals 0) and its JourneyLock
// (the node stage-changing transactions lock, see journeys_lock.cypher), linked to its
// Product when productId parses to a product class that exists.
// :param props => {id: 'j-1', org: 'demo', traceabilityName: 'T-Shirt', totalDistanceKm: 0.0, …}
// :param productKey => '01/00614141107346'
CREATE (j:Journey)
SET j = $props
CREATE (:JourneyLock {id: j.id, org: j.org, version: 0})-[:LOCKS]->(j)
WITH j
OPTIONAL MATCH (p:Product {id: $productKey})
FOREACH (product IN CASE WHEN p IS NULL THEN [] ELSE [p] END |
  CREATE (j)-[:FOR_PRODUCT]->(product))
RETURN j {.*} AS journey

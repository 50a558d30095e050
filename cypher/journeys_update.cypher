// PATCH /api/v1/product/traceability/{id}: the given header fields (a null removes one).
// With $relink, the FOR_PRODUCT link follows the new productId ($productKey, may be null).
// :param org => 'demo', id => 'j-1', props => {traceabilityName: 'New name'}
// :param relink => false, productKey => null
MATCH (j:Journey {id: $id})
WHERE j.org = $org
SET j += $props
WITH j
OPTIONAL MATCH (j)-[old:FOR_PRODUCT]->()
WHERE $relink
DELETE old
WITH DISTINCT j
OPTIONAL MATCH (p:Product {id: $productKey})
WHERE $relink
FOREACH (product IN CASE WHEN p IS NULL THEN [] ELSE [p] END |
  MERGE (j)-[:FOR_PRODUCT]->(product))
RETURN j.id AS id

// PATCH /api/v1/product/traceability/{id}: the given header fields (a null removes one).
// With $relink, the FOR_PRODUCT link follows the new productId ($productKey, may be null).
// :param id => '60742f49-30f8-49bd-91c7-ee682b1937fb'
// :param org => 'demo'
// :param props => {description: 'x', updatedAt: '2026-11-29T16:28:06.850Z'}
// :param relink => false
// :param productKey => null
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

// PUT /api/v1/products/{id}: the caller's org's master data about a product class, by
// canonical key (as ingest keys it): its own (:ProductData {id, org}) statement. `props`
// holds every managed field (name, sku); a null removes that field, other attributes (from
// EPCIS master data) stay. Returns the org's statement only.
// :param id => '01/00614141107346', displayId => 'urn:epc:idpat:sgtin:0614141.107346.*',
// :param org => 'demo', aliases => ['urn:epc:idpat:sgtin:0614141.107346.*'],
// :param props => {name: 'Mango', sku: 'M-1'}
MERGE (p:Product {id: $id})
  ON CREATE SET p.displayId = $displayId
FOREACH (raw IN $aliases |
  MERGE (a:Alias {id: raw})
  MERGE (a)-[:ALIAS_OF]->(p))
MERGE (d:ProductData {id: $id, org: $org})
MERGE (d)-[:DESCRIBES]->(p)
SET d += $props
RETURN properties(d) AS product

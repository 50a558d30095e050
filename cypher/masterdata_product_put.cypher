// PUT /api/v1/products/{id}: the caller's org's master data about a product class, by
// canonical key (as ingest keys it): its own (:ProductData {id, org}) statement. `props`
// holds every managed field (name, sku); a null removes that field, other attributes (from
// EPCIS master data) stay. Returns the org's statement only.
// :param id => '01/04012345123456'
// :param displayId => 'urn:epc:idpat:sgtin:4012345.012345.*'
// :param aliases => ['urn:epc:idpat:sgtin:4012345.012345.*']
// :param org => 'demo'
// :param props => {name: 'P', sku: null}
MERGE (p:Product {id: $id})
  ON CREATE SET p.displayId = $displayId
FOREACH (raw IN $aliases |
  MERGE (a:Alias {id: raw})
  MERGE (a)-[:ALIAS_OF]->(p))
MERGE (d:ProductData {id: $id, org: $org})
MERGE (d)-[:DESCRIBES]->(p)
SET d += $props
RETURN properties(d) AS product

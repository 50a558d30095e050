// PUT /api/v1/products/{id}: a product class's master data by canonical key (as ingest keys it).
// `props` holds every managed field (name, sku); a null removes that field, other attributes
// (from EPCIS master data) stay.
// :param id => '01/00614141107346', displayId => 'urn:epc:idpat:sgtin:0614141.107346.*',
// :param aliases => ['urn:epc:idpat:sgtin:0614141.107346.*'], props => {name: 'Mango', sku: 'M-1'}
MERGE (p:Product {id: $id})
  ON CREATE SET p.displayId = $displayId
SET p += $props
FOREACH (raw IN $aliases |
  MERGE (a:Alias {id: raw})
  MERGE (a)-[:ALIAS_OF]->(p))
RETURN p {.*, aliases: [(a:Alias)-[:ALIAS_OF]->(p) | a.id]} AS product

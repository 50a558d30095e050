// PUT /api/v1/facilities/{id}: a facility's master data by canonical key (as ingest keys it).
// `props` holds every managed field (name, type, street, city, state, postalCode, country);
// a null removes that field, other attributes (from EPCIS master data) stay.
// :param id => '414/0614141007770', displayId => 'urn:epc:id:sgln:0614141.00777.0',
// :param aliases => ['urn:epc:id:sgln:0614141.00777.0'], props => {name: 'DC 7', …}
MERGE (f:Facility {id: $id})
  ON CREATE SET f.displayId = $displayId
SET f += $props
FOREACH (raw IN $aliases |
  MERGE (a:Alias {id: raw})
  MERGE (a)-[:ALIAS_OF]->(f))
RETURN f {.*, aliases: [(a:Alias)-[:ALIAS_OF]->(f) | a.id]} AS facility

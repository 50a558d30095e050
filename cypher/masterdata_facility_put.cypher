// PUT /api/v1/facilities/{id}: the caller's org's master data about a facility, by canonical
// key (as ingest keys it). The facility node is shared; the statement is the org's own
// (:FacilityData {id, org}). `props` holds every managed field (name, type, street, city,
// state, postalCode, country); a null removes that field, other attributes (from EPCIS
// master data) stay. Returns the org's statement only.
// :param id => '414/4012345000016'
// :param displayId => 'urn:epc:id:sgln:4012345.00001.0'
// :param aliases => ['urn:epc:id:sgln:4012345.00001.0']
// :param org => 'demo'
// :param props => {name: 'F', type: null, street: null, city: null, state: null, postalCode: null, country: null}
MERGE (f:Facility {id: $id})
  ON CREATE SET f.displayId = $displayId
FOREACH (raw IN $aliases |
  MERGE (a:Alias {id: raw})
  MERGE (a)-[:ALIAS_OF]->(f))
MERGE (d:FacilityData {id: $id, org: $org})
MERGE (d)-[:DESCRIBES]->(f)
SET d += $props
RETURN properties(d) AS facility

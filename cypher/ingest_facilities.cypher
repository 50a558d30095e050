// Facilities (business locations and read points) by canonical key; every form seen is an
// Alias. The facility is one node for everyone; master-data attributes are the capturing
// org's statement about it: a (:FacilityData {id, org})-[:DESCRIBES]->(:Facility) node,
// whose attributes are set over what that org said before.
// rows: [{id, displayId, org, aliases: [raw…], attributes: {name, type, city, …} or {}}]
// :param rows => [{id: 'geo:42.698334,23.319941', displayId: 'geo:42.698334,23.319941', aliases: [], attributes: {}, org: 'demo'}]
UNWIND $rows AS row
MERGE (f:Facility {id: row.id})
  ON CREATE SET f.displayId = row.displayId
FOREACH (raw IN row.aliases |
  MERGE (a:Alias {id: raw})
  MERGE (a)-[:ALIAS_OF]->(f))
FOREACH (_ IN CASE WHEN size(keys(row.attributes)) > 0 THEN [1] ELSE [] END |
  MERGE (d:FacilityData {id: row.id, org: row.org})
  MERGE (d)-[:DESCRIBES]->(f)
  SET d += row.attributes)

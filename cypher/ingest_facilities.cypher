// Facilities (business locations and read points) by canonical key; every form seen is an
// Alias. Master-data attributes, when given, are set over what was there.
// rows: [{id, displayId, aliases: [raw…], attributes: {name, type, city, …} or {}}]
UNWIND $rows AS row
MERGE (f:Facility {id: row.id})
  ON CREATE SET f.displayId = row.displayId
SET f += row.attributes
FOREACH (raw IN row.aliases |
  MERGE (a:Alias {id: raw})
  MERGE (a)-[:ALIAS_OF]->(f))

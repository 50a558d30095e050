// Parties (owning / possessing parties of source and destination lists, PGLN).
// rows: [{id, displayId, aliases: [raw…]}]
UNWIND $rows AS row
MERGE (p:Party {id: row.id})
  ON CREATE SET p.displayId = row.displayId
FOREACH (raw IN row.aliases |
  MERGE (a:Alias {id: raw})
  MERGE (a)-[:ALIAS_OF]->(p))

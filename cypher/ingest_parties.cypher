// Parties (owning / possessing parties of source and destination lists, PGLN).
// rows: [{id, displayId, aliases: [raw…]}]
// :param rows => [{id: '417/4000001000128', displayId: 'urn:epc:id:pgln:4000001.00012', aliases: ['urn:epc:id:pgln:4000001.00012']}]
UNWIND $rows AS row
MERGE (p:Party {id: row.id})
  ON CREATE SET p.displayId = row.displayId
FOREACH (raw IN row.aliases |
  MERGE (a:Alias {id: raw})
  MERGE (a)-[:ALIAS_OF]->(p))

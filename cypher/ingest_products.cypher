// Product classes (GTIN or Food Trust product class) with their master data.
// rows: [{id, displayId, aliases: [raw…], attributes: {name, sku, …} or {}}]
UNWIND $rows AS row
MERGE (p:Product {id: row.id})
  ON CREATE SET p.displayId = row.displayId
SET p += row.attributes
FOREACH (raw IN row.aliases |
  MERGE (a:Alias {id: raw})
  MERGE (a)-[:ALIAS_OF]->(p))

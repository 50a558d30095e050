// Product instances (lots, serials, logistic units) and the product each is an instance of.
// lotData (ILMD or lot master data: sellByDate, harvestStartDate, …) is set over what was there.
// rows: [{id, displayId, kind, productId or null, aliases: [raw…], lotData: {…}}]
UNWIND $rows AS row
MERGE (i:ProductInstance {id: row.id})
  ON CREATE SET i.displayId = row.displayId, i.kind = row.kind
SET i += row.lotData
FOREACH (raw IN row.aliases |
  MERGE (a:Alias {id: raw})
  MERGE (a)-[:ALIAS_OF]->(i))
WITH i, row
WHERE row.productId IS NOT NULL
MATCH (p:Product {id: row.productId})
MERGE (i)-[:INSTANCE_OF]->(p)

// Product instances (lots, serials, logistic units), one node for everyone, and the product
// each is an instance of. lotData (ILMD or lot master data: sellByDate, harvestStartDate, …)
// is the capturing org's statement: (:LotData {id, org})-[:DESCRIBES]->(:ProductInstance),
// set over what that org said before.
// rows: [{id, displayId, kind, org, productId or null, aliases: [raw…], lotData: {…}}]
// :param rows => [{id: '8003/04012345555554987', displayId: 'urn:epc:id:grai:4012345.55555.987', aliases: ['urn:epc:id:grai:4012345.55555.987'], kind: 'instance', productId: null, lotData: {}, org: 'demo'}]
UNWIND $rows AS row
MERGE (i:ProductInstance {id: row.id})
  ON CREATE SET i.displayId = row.displayId, i.kind = row.kind
FOREACH (raw IN row.aliases |
  MERGE (a:Alias {id: raw})
  MERGE (a)-[:ALIAS_OF]->(i))
FOREACH (_ IN CASE WHEN size(keys(row.lotData)) > 0 THEN [1] ELSE [] END |
  MERGE (d:LotData {id: row.id, org: row.org})
  MERGE (d)-[:DESCRIBES]->(i)
  SET d += row.lotData)
WITH i, row
WHERE row.productId IS NOT NULL
MATCH (p:Product {id: row.productId})
MERGE (i)-[:INSTANCE_OF]->(p)

// Product classes (GTIN or Food Trust product class), one node for everyone; master data is
// the capturing org's statement: (:ProductData {id, org})-[:DESCRIBES]->(:Product).
// rows: [{id, displayId, org, aliases: [raw…], attributes: {name, sku, …} or {}}]
// :param rows => [{id: '01/04023333020008', displayId: 'urn:epc:idpat:sgtin:4023333.002000.*', aliases: ['urn:epc:idpat:sgtin:4023333.002000.*'], attributes: {}, org: 'demo'}]
UNWIND $rows AS row
MERGE (p:Product {id: row.id})
  ON CREATE SET p.displayId = row.displayId
FOREACH (raw IN row.aliases |
  MERGE (a:Alias {id: raw})
  MERGE (a)-[:ALIAS_OF]->(p))
FOREACH (_ IN CASE WHEN size(keys(row.attributes)) > 0 THEN [1] ELSE [] END |
  MERGE (d:ProductData {id: row.id, org: row.org})
  MERGE (d)-[:DESCRIBES]->(p)
  SET d += row.attributes)

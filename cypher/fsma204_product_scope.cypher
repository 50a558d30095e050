// Every lot of one product class (canonical key or any alias), and the containment edges of
// the logistic units they travelled in, with the orgs whose events made each edge: the scope
// of `product=` + `since`/`until` in the FSMA 204 spreadsheet and completeness report.
//
//   :param product => 'urn:epc:idpat:sgtin:0872345.030001.*'
OPTIONAL MATCH (:Alias {id: $product})-[:ALIAS_OF]->(viaAlias:Product)
OPTIONAL MATCH (viaKey:Product {id: $product})
WITH coalesce(viaKey, viaAlias) AS product
WHERE product IS NOT NULL
CALL (product) {
  OPTIONAL MATCH (product)<-[:INSTANCE_OF]-(i:ProductInstance)
  RETURN [x IN collect(i.id) WHERE x IS NOT NULL] AS lots
}
CALL (product) {
  MATCH (product)<-[:INSTANCE_OF]-(:ProductInstance)<-[:CONTAINS*1..]-(c:ProductInstance)
  WITH DISTINCT c
  MATCH (c)-[r:CONTAINS]->(x:ProductInstance)
  RETURN collect({from: c.id, to: x.id, rel: 'CONTAINS', orgs: r.orgs}) AS edges
}
RETURN product.id AS product, lots, edges

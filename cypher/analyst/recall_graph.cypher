// The lineage around a lot as a picture: switch Neo4j Browser to the graph view.
// Transformations (TRANSFORMED_INTO), containment (CONTAINS) and the products they are.
// :param productId => 'urn:epc:class:lgtin:0860002.010001.PVG240502R'
OPTIONAL MATCH (:Alias {id: $productId})-[:ALIAS_OF]->(viaAlias:ProductInstance)
OPTIONAL MATCH (viaKey:ProductInstance {id: $productId})
WITH coalesce(viaKey, viaAlias) AS lot
MATCH path = (lot)-[:TRANSFORMED_INTO|CONTAINS*0..6]-(:ProductInstance)
RETURN path
LIMIT 200

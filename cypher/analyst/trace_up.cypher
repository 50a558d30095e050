// Where did this lot come from? Every ancestor: the inputs of the transformations that made it
// and the containers it travelled in, recursively, with the fewest hops to each.
// :param productId => 'urn:epc:class:lgtin:0872345.030001.FCS240505SM1'
OPTIONAL MATCH (:Alias {id: $productId})-[:ALIAS_OF]->(viaAlias:ProductInstance)
OPTIONAL MATCH (viaKey:ProductInstance {id: $productId})
WITH coalesce(viaKey, viaAlias) AS lot
MATCH path = (lot)<-[:TRANSFORMED_INTO|CONTAINS*1..]-(ancestor:ProductInstance)
OPTIONAL MATCH (ancestor)-[:INSTANCE_OF]->(product:Product)
// master data is per org (docs/architecture.md, "Ownership"): every org's name, by org
RETURN ancestor.displayId AS ancestor,
       [(d:ProductData)-[:DESCRIBES]->(product) | d.org + ': ' + d.name] AS product,
       min(length(path)) AS hops
ORDER BY hops, ancestor

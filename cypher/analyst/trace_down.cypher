// What was made from this lot, and what it was packed into: every descendant (outputs of the
// transformations it went into, what it contained) and the containers they travelled in.
// :param productId => 'urn:epc:class:lgtin:0860002.010001.PVG240502R'
OPTIONAL MATCH (:Alias {id: $productId})-[:ALIAS_OF]->(viaAlias:ProductInstance)
OPTIONAL MATCH (viaKey:ProductInstance {id: $productId})
WITH coalesce(viaKey, viaAlias) AS lot
MATCH (lot)-[:TRANSFORMED_INTO|CONTAINS*0..]->(descendant:ProductInstance)
WITH DISTINCT lot, descendant
OPTIONAL MATCH (carrier:ProductInstance)-[:CONTAINS*1..]->(descendant)
OPTIONAL MATCH (descendant)-[:INSTANCE_OF]->(product:Product)
// master data is per org (docs/architecture.md, "Ownership"): every org's name, by org
RETURN descendant.displayId AS descendant,
       [(d:ProductData)-[:DESCRIBES]->(product) | d.org + ': ' + d.name] AS product,
       collect(DISTINCT carrier.displayId) AS travelledIn
ORDER BY descendant

// Lots sharing an input with this lot: the other outputs of the transformations that used any
// of its inputs (siblings are never part of a trace; they are the next place to look when an
// input is suspect), with the shared input and the product.
// :param productId => 'urn:epc:class:lgtin:0872345.030001.FCS240505SM1'
OPTIONAL MATCH (:Alias {id: $productId})-[:ALIAS_OF]->(viaAlias:ProductInstance)
OPTIONAL MATCH (viaKey:ProductInstance {id: $productId})
WITH coalesce(viaKey, viaAlias) AS lot
MATCH (lot)<-[:TRANSFORMED_INTO]-(input:ProductInstance)-[:TRANSFORMED_INTO]->(sibling)
WHERE sibling <> lot
OPTIONAL MATCH (sibling)-[:INSTANCE_OF]->(product:Product)
RETURN sibling.displayId AS sibling,
       [(d:ProductData)-[:DESCRIBES]->(product) | d.org + ': ' + d.name] AS product,
       collect(DISTINCT input.displayId) AS sharedInputs
ORDER BY sibling

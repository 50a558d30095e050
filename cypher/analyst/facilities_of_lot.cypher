// Every facility the lot passed through: where events about it, its ancestors or its
// descendants happened, and the sources and destinations of those events, in time order.
// :param productId => 'urn:epc:class:lgtin:0860002.010001.PVG240502R'
OPTIONAL MATCH (:Alias {id: $productId})-[:ALIAS_OF]->(viaAlias:ProductInstance)
OPTIONAL MATCH (viaKey:ProductInstance {id: $productId})
WITH coalesce(viaKey, viaAlias) AS lot
CALL (lot) {
  MATCH (lot)<-[:TRANSFORMED_INTO|CONTAINS*0..]-(x:ProductInstance) RETURN x
  UNION
  MATCH (lot)-[:TRANSFORMED_INTO|CONTAINS*0..]->(x:ProductInstance) RETURN x
}
MATCH (e:Event)-[:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]->(x)
MATCH (e)-[:AT|SOURCE|DESTINATION]->(f:Facility)
RETURN f.displayId AS facility, f.name AS name, f.type AS type, f.city AS city,
       min(e.eventTime) AS firstSeen, max(e.eventTime) AS lastSeen, count(DISTINCT e) AS events
ORDER BY firstSeen

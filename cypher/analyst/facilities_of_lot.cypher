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
// master data is per org (docs/architecture.md, "Ownership"): the statement of the first
// org by name; filter `d.org` for one org's view
WITH f, e, head(COLLECT {
  MATCH (d:FacilityData)-[:DESCRIBES]->(f) RETURN d ORDER BY d.org LIMIT 1
}) AS said
RETURN f.displayId AS facility, said.name AS name, said.type AS type, said.city AS city,
       min(e.eventTime) AS firstSeen, max(e.eventTime) AS lastSeen, count(DISTINCT e) AS events
ORDER BY firstSeen

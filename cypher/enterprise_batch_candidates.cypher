// The lots whose batch row a write may have changed: each touched instance and everything
// upstream of it on $org's lineage (a container's contents, a transformation's inputs), kept
// when $org collected them at one of its farms. Also every lot $org collected at $facilities
// (farms just registered).
// :param org => 'coop', keys => ['00/106141412345678908'], facilities => [], creating => [...]
CALL () {
  UNWIND $keys AS key
  MATCH (t:ProductInstance {id: key})
  MATCH (t) ((a)-[r:CONTAINS|TRANSFORMED_INTO]-(b)
             WHERE $org IN r.orgs
               AND ((r:CONTAINS AND startNode(r) = a) OR (r:TRANSFORMED_INTO AND endNode(r) = a))
            ){0,16} (lot:ProductInstance)
  RETURN lot
  UNION
  UNWIND $facilities AS facility
  MATCH (:Facility {id: facility})<-[:AT]-(e:Event {owner: $org})-[:OBSERVED]->(lot:ProductInstance)
  WHERE e.action = 'ADD' AND e.bizStep IN $creating
  RETURN lot
}
WITH DISTINCT lot
WHERE EXISTS {
  MATCH (lot)<-[:OBSERVED]-(e:Event {owner: $org})-[:AT]->(:Facility)<-[:PROFILE_OF]-(:FarmProfile {org: $org})
  WHERE e.action = 'ADD' AND e.bizStep IN $creating
}
RETURN collect(lot.id) AS lots

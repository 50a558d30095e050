// The lots whose batch row a write may have changed: each touched instance and everything
// upstream of it on $org's lineage (a container's contents, a transformation's inputs), kept
// when $org collected them at one of its farms. Also every lot $org collected at $facilities
// (farms just registered).
// :param org => 'coop'
// :param keys => ['00/106141412345678908']
// :param facilities => []
// :param creating => ['urn:epcglobal:cbv:bizstep:commissioning', 'urn:epcglobal:cbv:bizstep:creating_class_instance']
// Predicates on the far nodes are written any(x IN [$org] WHERE x = …) on purpose: no index
// can serve them, so the planner walks from the lots even with the statistics of an empty
// graph (with `e.owner = $org` it started from every event of the org: 100x slower).
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
  MATCH (:Facility {id: facility})<-[:AT]-(e:Event)-[:OBSERVED]->(lot:ProductInstance)
  WHERE any(x IN [$org] WHERE x = e.owner) AND any(x IN ['ADD'] WHERE x = e.action)
    AND any(x IN $creating WHERE x = e.bizStep)
  RETURN lot
}
WITH DISTINCT lot
WHERE EXISTS {
  MATCH (lot)<-[:OBSERVED]-(e:Event)-[:AT]->(:Facility)<-[:PROFILE_OF]-(p:FarmProfile)
  WHERE any(x IN [$org] WHERE x = e.owner) AND any(x IN ['ADD'] WHERE x = e.action)
    AND any(x IN $creating WHERE x = e.bizStep) AND any(x IN [$org] WHERE x = p.org)
}
RETURN collect(lot.id) AS lots

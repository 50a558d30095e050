// The lots whose batch row a write may have changed, kept when $org collected them at one of its
// farms: each instance the events name ($keys: its collections, its later events, whether it
// went into something), everything upstream of what a shipping event names or of what went
// into something ($upstreamOf, a subset of $keys, walked on $org's lineage: a container's
// contents, a transformation's inputs; the lots there may be shipped now), and every lot $org
// collected at $facilities (farms stated for the first time). An event that only observes,
// receives or unpacks an instance changes no lot upstream of it: walking from every named
// instance re-derived, for each such event, every lot it came from.
// :param org => 'coop'
// :param keys => ['00/106141412345678908']
// :param upstreamOf => ['00/106141412345678908']
// :param facilities => []
// :param creating => ['urn:epcglobal:cbv:bizstep:commissioning', 'urn:epcglobal:cbv:bizstep:creating_class_instance']
// Predicates on the far nodes are written any(x IN [$org] WHERE x = …) on purpose: no index
// can serve them, so the planner walks from the lots even with the statistics of an empty
// graph (with `e.owner = $org` it started from every event of the org: 100x slower).
CALL () {
  UNWIND $keys AS key
  MATCH (lot:ProductInstance {id: key})
  RETURN lot
  UNION
  UNWIND $upstreamOf AS key
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

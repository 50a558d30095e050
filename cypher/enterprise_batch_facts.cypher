// What status derivation needs about each lot of $org (trace_engine/enterprise/status.py):
// its collection events at $org's farms (time, farm, agents with their `seq` in the event's
// sourceList, quantities), how many other $org events name it, whether it went into a
// transformation or a container, and whether a shipping event names it or anything downstream
// of it.
// :param org => 'coop'
// :param lots => ['01/00614141000005/10/B-001']
// :param creating => ['urn:epcglobal:cbv:bizstep:commissioning', 'urn:epcglobal:cbv:bizstep:creating_class_instance']
// :param shipping => 'urn:epcglobal:cbv:bizstep:shipping'
// Predicates on the far nodes are written any(x IN [$org] WHERE x = …) on purpose: no index
// can serve them, so the planner walks from the lots even with the statistics of an empty
// graph (with `e.owner = $org` it started from every event of the org: 100x slower).
UNWIND $lots AS id
MATCH (lot:ProductInstance {id: id})
CALL (lot) {
  MATCH (lot)<-[:OBSERVED]-(e:Event)
  WHERE any(x IN [$org] WHERE x = e.owner) AND any(x IN ['ADD'] WHERE x = e.action)
    AND any(x IN $creating WHERE x = e.bizStep)
  WITH DISTINCT e
  MATCH (e)-[:AT]->(f:Facility)<-[:PROFILE_OF]-(farm:FarmProfile)
  WHERE any(x IN [$org] WHERE x = farm.org)
  RETURN collect({
    eventID: e.eventID, eventTime: e.eventTime, recordTime: e.recordTime, farmId: f.id,
    agents: [(e)-[s:SOURCE]->(p:Party) | {type: s.type, id: p.id, seq: s.seq}],
    quantities: [(e)-[o:OBSERVED]->(lot) | [o.quantity, o.uom]]
  }) AS collections
}
CALL (lot, collections) {
  MATCH (lot)<-[]-(e:Event)
  WHERE any(x IN [$org] WHERE x = e.owner) AND NOT e.eventID IN [c IN collections | c.eventID]
  RETURN count(DISTINCT e) AS later
}
RETURN lot.id AS id, collections, later,
  EXISTS { MATCH (lot)-[t:TRANSFORMED_INTO]->() WHERE $org IN t.orgs }
    OR EXISTS { MATCH ()-[c:CONTAINS]->(lot) WHERE $org IN c.orgs } AS aggregated,
  EXISTS {
    MATCH (lot) ((a)-[r:CONTAINS|TRANSFORMED_INTO]-(b)
                 WHERE $org IN r.orgs
                   AND ((r:TRANSFORMED_INTO AND startNode(r) = a) OR (r:CONTAINS AND endNode(r) = a))
                ){0,16} (d:ProductInstance)<-[:OBSERVED|PARENT|CHILD]-(s:Event)
    WHERE any(x IN [$org] WHERE x = s.owner) AND any(x IN [$shipping] WHERE x = s.bizStep)
  } AS shipped

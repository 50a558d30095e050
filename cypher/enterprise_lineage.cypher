// What readiness needs (trace_engine/enterprise/readiness.py) about everything upstream of the
// carried things on the lineage $orgs may see (a container's contents, a transformation's
// inputs): the batches collected from it (farm, kilograms), its contents, the transformations
// that made it (inputs and outputs with quantities) and the quantities events measured of it
// (observed, output, or packed as an aggregation child).
// Owners are tested with any(…) so the planner walks from each lot, not from every event of
// an org through the owner index.
// :param items => ['00/106141412345678908']
// :param orgs => ['coop']
UNWIND $items AS id
MATCH (t:ProductInstance {id: id})
MATCH (t) ((a)-[r:CONTAINS|TRANSFORMED_INTO]-(b)
           WHERE any(o IN r.orgs WHERE o IN $orgs)
             AND ((r:CONTAINS AND startNode(r) = a) OR (r:TRANSFORMED_INTO AND endNode(r) = a))
          ){0,16} (u:ProductInstance)
WITH DISTINCT u
RETURN u.id AS id,
  [(b:Batch)-[:OF_LOT]->(u) WHERE any(x IN $orgs WHERE x = b.org) | [b.farmId, b.totalWeight, b.org]]
    AS batches,
  [(u)-[c:CONTAINS]->(y:ProductInstance) WHERE any(o IN c.orgs WHERE o IN $orgs) | y.id]
    AS children,
  [(u)<-[:OUTPUT]-(e:Event) WHERE any(o IN $orgs WHERE o = e.owner) | {
    eventID: e.eventID,
    inputs: [(e)-[i:INPUT]->(p:ProductInstance) | [p.id, i.quantity, i.uom]],
    outputs: [(e)-[o:OUTPUT]->(q:ProductInstance) | [q.id, o.quantity, o.uom]]
  }] AS made,
  [(u)<-[o:OBSERVED|OUTPUT|CHILD]-(e:Event)
    WHERE o.quantity IS NOT NULL AND any(x IN $orgs WHERE x = e.owner) |
    [e.eventTime, o.quantity, o.uom]] AS measures

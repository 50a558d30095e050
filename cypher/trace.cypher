// The trace of one product instance, in one round trip: its lineage (ancestors through
// transformations and the containers it travelled in; descendants through transformations and
// what it contained; the containers its descendants travelled in), every event that touches
// those instances, and the facilities, products and payloads they reference. What orgs say
// about the shared facilities, products and lots comes as `statements` (one per org).
//
// Runs as it is in Neo4j Browser:
// :param productId => 'urn:epc:class:lgtin:0860002.010001.PVG240502R'
// productId is any form the product was captured in (an Alias) or its canonical key.
// Trace Engine then keeps what the caller's org may see (edge `orgs`, event `owner`, payload
// `owner`, the `org` of master data, lot data and records) and applies direction, depth and
// time window in trace_engine/trace/assembly.py.

OPTIONAL MATCH (:Alias {id: $productId})-[:ALIAS_OF]->(viaAlias:ProductInstance)
OPTIONAL MATCH (viaKey:ProductInstance {id: $productId})
WITH coalesce(viaKey, viaAlias) AS root
WHERE root IS NOT NULL

// upstream: inputs of what made it, containers it travelled in, recursively
CALL (root) {
  MATCH (root)<-[:TRANSFORMED_INTO|CONTAINS*0..]-(a:ProductInstance)
  RETURN collect(DISTINCT a) AS ancestors
}
// downstream: what was made from it, what it contained, recursively
CALL (root) {
  MATCH (root)-[:TRANSFORMED_INTO|CONTAINS*0..]->(d:ProductInstance)
  RETURN collect(DISTINCT d) AS descendants
}
// where the descendants went: the containers they travelled in
CALL (descendants) {
  UNWIND descendants AS d
  OPTIONAL MATCH (d)<-[:CONTAINS*1..]-(c:ProductInstance)
  RETURN [x IN collect(DISTINCT c) WHERE x IS NOT NULL] AS carriers
}
WITH root, ancestors, descendants, carriers,
     [x IN ancestors + descendants + carriers | x] AS members
UNWIND members AS member
WITH root, ancestors, descendants, carriers, collect(DISTINCT member) AS instances

// lineage edges between trace instances (for depth, visibility and sequences)
CALL (instances) {
  UNWIND instances AS a
  MATCH (a)-[r:TRANSFORMED_INTO|CONTAINS]->(b:ProductInstance)
  WHERE b IN instances
  RETURN collect({from: a.id, to: b.id, rel: type(r), orgs: r.orgs}) AS edges
}

// events touching any trace instance, with what and where
CALL (instances) {
  UNWIND instances AS i
  MATCH (e:Event)-[:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]->(i)
  WITH DISTINCT e
  CALL (e) {
    MATCH (e)-[r:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]->(x)
    RETURN collect({id: x.id, displayId: x.displayId, product: x:Product, rel: type(r),
                    quantity: r.quantity, uom: r.uom, seq: r.seq}) AS objects
  }
  OPTIONAL MATCH (e)-[:AT]->(at:Facility)
  OPTIONAL MATCH (e)-[:READ_POINT]->(rp:Facility)
  CALL (e) {
    OPTIONAL MATCH (e)-[s:SOURCE]->(src)
    WITH s, src ORDER BY s.seq
    RETURN [x IN collect({id: src.id, type: s.type}) WHERE x.id IS NOT NULL] AS sources
  }
  CALL (e) {
    OPTIONAL MATCH (e)-[d:DESTINATION]->(dst)
    WITH d, dst ORDER BY d.seq
    RETURN [x IN collect({id: dst.id, type: d.type}) WHERE x.id IS NOT NULL] AS destinations
  }
  CALL (e) {
    OPTIONAL MATCH (e)-[:HAS_PAYLOAD]->(pl:Payload)
    RETURN [x IN collect(pl {.id, .owner}) WHERE x IS NOT NULL] AS payloadIds
  }
  RETURN collect({
    eventID: e.eventID, eventType: e.eventType, action: e.action, bizStep: e.bizStep,
    eventTime: e.eventTime, owner: e.owner, objects: objects,
    facility: coalesce(at.id, rp.id), sources: sources, destinations: destinations,
    payloadIds: payloadIds
  }) AS events
}

// facilities those events happened at or moved goods between
CALL (events) {
  UNWIND events AS e
  UNWIND [e.facility] + [s IN e.sources | s.id] + [d IN e.destinations | d.id] AS fid
  WITH DISTINCT fid WHERE fid IS NOT NULL
  MATCH (f:Facility|Party {id: fid})
  OPTIONAL MATCH (f)-[:HAS_PAYLOAD]->(pl:Payload)
  WITH f, [x IN collect(pl {.id, .owner}) WHERE x IS NOT NULL] AS payloadIds
  RETURN collect({node: f {.id, .displayId}, payloadIds: payloadIds,
                  statements: [(d:FacilityData)-[:DESCRIBES]->(f) | properties(d)]})
         AS facilities
}

// instances and their products, with payloads and the traceability records linked to them
// (every org's, as the statements: the caller's are picked in Python)
CALL (instances) {
  UNWIND instances AS i
  OPTIONAL MATCH (i)-[:INSTANCE_OF]->(p:Product)
  OPTIONAL MATCH (i)-[:HAS_PAYLOAD]->(pl:Payload)
  WITH i, p, [x IN collect(pl {.id, .owner}) WHERE x IS NOT NULL] AS payloadIds
  RETURN collect({node: i {.id, .displayId, .kind}, productId: p.id, payloadIds: payloadIds,
                  statements: [(d:LotData)-[:DESCRIBES]->(i) | properties(d)],
                  records: [(r:TraceabilityRecord)-[:FOR_INSTANCE]->(i) | properties(r)]})
         AS instanceData
}
CALL (instances) {
  UNWIND instances AS i
  MATCH (i)-[:INSTANCE_OF]->(p:Product)
  RETURN collect(DISTINCT p) AS instanceProducts
}
CALL (events) {
  UNWIND events AS e
  UNWIND e.objects AS o
  WITH o WHERE o.product
  MATCH (p:Product {id: o.id})
  RETURN collect(DISTINCT p) AS classProducts
}
CALL (instanceProducts, classProducts) {
  UNWIND instanceProducts + classProducts AS p
  WITH DISTINCT p
  OPTIONAL MATCH (p)-[:HAS_PAYLOAD]->(pl:Payload)
  WITH p, [x IN collect(pl {.id, .owner}) WHERE x IS NOT NULL] AS payloadIds
  RETURN collect({node: p {.id, .displayId}, payloadIds: payloadIds,
                  statements: [(d:ProductData)-[:DESCRIBES]->(p) | properties(d)]})
         AS products
}

// the payloads any of those reference ({id, owner}: a payload is one org's statement)
WITH *, reduce(ids = [], l IN [e IN events | e.payloadIds] + [f IN facilities | f.payloadIds]
                              + [i IN instanceData | i.payloadIds] + [p IN products | p.payloadIds]
               | ids + l) AS payloadRefs
CALL (payloadRefs) {
  UNWIND payloadRefs AS ref
  WITH DISTINCT ref
  MATCH (pl:Payload {id: ref.id, owner: ref.owner})
  RETURN collect(properties(pl)) AS payloads
}

RETURN root.id AS root,
       [a IN ancestors | a.id] AS ancestors,
       [d IN descendants | d.id] AS descendants,
       [c IN carriers | c.id] AS carriers,
       edges, events, facilities, instanceData AS instances, products, payloads

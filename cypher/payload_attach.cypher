// A payload (time, content, contentType, typeUri) of one org by (id, owner), with a
// HAS_PAYLOAD relationship from each target; idempotent: posting it again stores nothing
// twice. Another org's payload with the same id is another payload. Events are the owner's own.
// :param payload => {id: 'urn:uuid:…', time: '2018-11-02T00:00:00.000Z', content: '[]',
//                    contentType: 'application/json', typeUri: '…', owner: 'demo'}
// :param events => […], facilities => […], products => […], productInstances => […]
MERGE (p:Payload {id: $payload.id, owner: $payload.owner})
SET p += $payload
WITH p
CALL (p) {
  UNWIND $events AS id
  MATCH (e:Event {eventID: id, owner: p.owner})
  MERGE (e)-[:HAS_PAYLOAD]->(p)
}
CALL (p) {
  UNWIND $facilities AS id
  MATCH (f:Facility {id: id})
  MERGE (f)-[:HAS_PAYLOAD]->(p)
}
CALL (p) {
  UNWIND $products AS id
  MATCH (c:Product {id: id})
  MERGE (c)-[:HAS_PAYLOAD]->(p)
}
CALL (p) {
  UNWIND $productInstances AS id
  MATCH (i:ProductInstance {id: id})
  MERGE (i)-[:HAS_PAYLOAD]->(p)
}
RETURN p {
  .*,
  events: [(e:Event)-[:HAS_PAYLOAD]->(p) | e.eventID],
  facilities: [(f:Facility)-[:HAS_PAYLOAD]->(p) | f.id],
  products: [(c:Product)-[:HAS_PAYLOAD]->(p) | c.id],
  productInstances: [(i:ProductInstance)-[:HAS_PAYLOAD]->(p) | i.id]
} AS payload

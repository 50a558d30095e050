// A payload (time, content, contentType, typeUri) of one org by (id, owner), with a
// HAS_PAYLOAD relationship from each target; idempotent: posting it again stores nothing
// twice. Another org's payload with the same id is another payload. Events are the owner's own.
//                    contentType: 'application/json', typeUri: '…', owner: 'demo'}
// :param payload => {id: 'urn:uuid:11111111-2222-4333-8444-555555555555', time: '2024-03-02T10:00:00.000Z', content: '{"temperature": 4}', contentType: 'application/json', typeUri: 'https://example.com/cold-chain', owner: 'demo'}
// :param events => ['urn:uuid:00000000-0000-4000-8000-000000000001']
// :param facilities => ['414/0614141007776']
// :param products => ['01/10614141073464']
// :param productInstances => ['01/04012345123456/10/998877']
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

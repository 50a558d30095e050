// New events (duplicates were filtered out before) with every relationship from them, in one
// pass: the targets were MERGEd by the statements before, so each is one index seek.
// `raw` is the event as received, in EPCIS 2.0 JSON-LD form, so GET /epcis/events/{eventID}
// returns it faithfully.
// What each event is about (`instances` → ProductInstance, `products` → Product for
// class-level quantities): OBSERVED (epcList / quantityList), PARENT / CHILD (aggregation and
// association), INPUT / OUTPUT (transformation), with quantity, uom and seq (PARENT: none).
// Where (`facilities` → Facility, `parties` → Party): AT (bizLocation), READ_POINT, and
// SOURCE / DESTINATION with the CBV type and seq. A null property is not stored.
// rows: [{eventID, eventType, action, bizStep, disposition, eventTime (UTC, ms),
//         eventTimeZoneOffset, recordTime, hash, owner, captureId, raw,
//         namespaces (JSON text of the document's extension prefixes, or null),
//         instances: [{id, rel, quantity, uom, seq}], products: […],
//         facilities: [{id, rel, type, seq}], parties: […]}]
// :param rows => [{eventID: 'urn:uuid:00000000-0000-4000-a000-000000000001', eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: null, disposition: null, eventTime: '2024-03-01T09:00:00.000Z', eventTimeZoneOffset: '+01:00', recordTime: '2026-11-29T16:28:04.179Z', hash: null, owner: 'ingest-test', captureId: null, raw: '{}', instances: [{id: '01/04012345111118/10/LOT-7', rel: 'OBSERVED', quantity: 10.0, uom: 'KGM', seq: 0}], products: [], facilities: [{id: '414/4012345000016', rel: 'AT', type: null, seq: null}], parties: []}]
UNWIND $rows AS row
CREATE (e:Event {
  eventID: row.eventID, eventType: row.eventType, action: row.action, bizStep: row.bizStep,
  disposition: row.disposition, eventTime: row.eventTime,
  eventTimeZoneOffset: row.eventTimeZoneOffset, recordTime: row.recordTime, hash: row.hash,
  owner: row.owner, captureId: row.captureId, raw: row.raw, namespaces: row.namespaces
})
WITH e, row
CALL (e, row) {
  UNWIND row.instances AS o
  MATCH (t:ProductInstance {id: o.id})
  CREATE (e)-[:$(o.rel) {quantity: o.quantity, uom: o.uom, seq: o.seq}]->(t)
}
CALL (e, row) {
  UNWIND row.products AS o
  MATCH (t:Product {id: o.id})
  CREATE (e)-[:$(o.rel) {quantity: o.quantity, uom: o.uom, seq: o.seq}]->(t)
}
CALL (e, row) {
  UNWIND row.facilities AS o
  MATCH (t:Facility {id: o.id})
  CREATE (e)-[:$(o.rel) {type: o.type, seq: o.seq}]->(t)
}
CALL (e, row) {
  UNWIND row.parties AS o
  MATCH (t:Party {id: o.id})
  CREATE (e)-[:$(o.rel) {type: o.type, seq: o.seq}]->(t)
}

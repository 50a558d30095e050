// Shipping events of $org (bizStep shipping) → shipments. A declared shipment of $org that
// carries one of the shipped things (or something inside a shipped container) becomes
// `shipped`; a shipping event no declared shipment matches is a shipment of its own, keyed by
// its eventID, carrying what the event names (with the event's quantity when given).
// rows: [{eventID, key, eventTime, props: {id, source, status, shipmentCode,
//         estimatedShipDate, createdAt}, objects: [{id, quantity, uom}]}]
// :param rows => [{eventID: 'urn:uuid:25576265-00cd-584b-baac-989de7c96892', key: '["cocoa-coop","urn:uuid:25576265-00cd-584b-baac-989de7c96892"]', eventTime: '2024-01-20T07:00:00.000Z', objects: [{id: '00/006141410000000012', quantity: null, uom: null}], props: {id: 'urn:uuid:25576265-00cd-584b-baac-989de7c96892', source: 'event', status: 'shipped', shipmentCode: 'urn:epcglobal:cbv:bt:0614141000005:BOL-SPY-2024-0117', estimatedShipDate: '2024-01-20', createdAt: '2026-11-29T16:27:36.697Z'}}]
// :param org => 'cocoa-coop'
UNWIND $rows AS row
CALL (row) {
  UNWIND row.objects AS o
  MATCH (:ProductInstance {id: o.id})-[:CONTAINS]->{0,8}(:ProductInstance)<-[:CARRIES]-(s:Shipment)
  WHERE any(x IN [$org] WHERE x = s.org) AND s.source = 'declared'
  RETURN collect(DISTINCT s) AS declared
}
FOREACH (s IN declared |
  SET s.status = 'shipped', s.shippedBy = coalesce(s.shippedBy, row.eventID),
      s.shippedAt = coalesce(s.shippedAt, row.eventTime),
      s.statusRank = $orgKey + ' shipped ' + s.createdAt + ' ' + s.id)
WITH row, declared
WHERE size(declared) = 0
MERGE (s:Shipment {key: row.key})
  ON CREATE SET s += row.props, s.org = $org, s.shippedBy = row.eventID,
                s.shippedAt = row.eventTime,
                s.rank = $orgKey + ' ' + s.createdAt + ' ' + s.id,
                s.statusRank = $orgKey + ' shipped ' + s.createdAt + ' ' + s.id
WITH s, row
UNWIND row.objects AS o
MATCH (p:ProductInstance {id: o.id})
MERGE (s)-[c:CARRIES]->(p)
SET c.quantity = o.quantity, c.uom = o.uom

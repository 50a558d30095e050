// Shipping events of $org (bizStep shipping) → shipments. A declared shipment of $org that
// carries one of the shipped things (or something inside a shipped container) becomes
// `shipped`; a shipping event no declared shipment matches is a shipment of its own, keyed by
// its eventID, carrying what the event names (with the event's quantity when given). Returns
// the node and status of every shipment it touched, for its tally (enterprise_tallies_move.cypher).
// rows: [{eventID, key, eventTime, props: {id, source, status, shipmentCode,
//         estimatedShipDate, createdAt}, objects: [{id, quantity, uom}]}]
// :param rows => [{eventID: 'urn:uuid:30000000-0000-4000-8000-000000000027', key: '["cocoa-coop","urn:uuid:30000000-0000-4000-8000-000000000027"]', eventTime: '2024-01-20T08:00:00.000Z', objects: [{id: '00/040123450000000016', quantity: null, uom: null}], props: {id: 'urn:uuid:30000000-0000-4000-8000-000000000027', source: 'event', status: 'shipped', shipmentCode: 'urn:uuid:30000000-0000-4000-8000-000000000027', estimatedShipDate: '2024-01-20', createdAt: '2026-11-29T16:35:12.394Z'}}]
// :param org => 'cocoa-coop'
// :param orgKey => '"cocoa-coop"'
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
OPTIONAL CALL (row, declared) {
  WITH row WHERE size(declared) = 0
  MERGE (s:Shipment {key: row.key})
    ON CREATE SET s += row.props, s.org = $org, s.shippedBy = row.eventID,
                  s.shippedAt = row.eventTime,
                  s.rank = $orgKey + ' ' + s.createdAt + ' ' + s.id,
                  s.statusRank = $orgKey + ' shipped ' + s.createdAt + ' ' + s.id
  WITH s, row
  CALL (s, row) {
    UNWIND row.objects AS o
    MATCH (p:ProductInstance {id: o.id})
    MERGE (s)-[c:CARRIES]->(p)
    SET c.quantity = o.quantity, c.uom = o.uom
  }
  RETURN s AS made
}
UNWIND declared + CASE WHEN made IS NULL THEN [] ELSE [made] END AS s
RETURN DISTINCT elementId(s) AS node, s.status AS status

// PUT /api/v1/shipments/{id}: $org declares a shipment ahead (fields left out are cleared) and
// what it carries (replacing the list; items are MERGEd by canonical key so a later capture of
// them lands on the same node); a shipment made from a shipping event of one of the items is
// absorbed (deleted: this declaration is that shipment). Its status is `shipped` once a shipping event of $org names an
// item or a container holding one, else the declared status. Its node is returned for its tally
// (enterprise_tallies_move.cypher); an absorbed shipment leaves its tally as it is deleted (pruned
// after, under the org's listings lock taken before this statement).
// :param key => '["cocoa-coop","S1"]'
// :param org => 'cocoa-coop'
// :param id => 'S1'
// :param now => '2026-11-29T16:35:07.190Z'
// :param props => {shipmentCode: 'SHP-S1', declaredStatus: 'ready', buyerCompany: 'Barry Callebaut', destinationCountry: 'Netherlands', destinationPort: 'Rotterdam', commodity: 'Cocoa', estimatedShipDate: '2024-02-15'}
// :param items => [{id: '00/040123450000000016', displayId: 'urn:epc:id:sscc:4012345.0000000001', kind: 'instance', seq: 0}]
// :param shipping => 'urn:epcglobal:cbv:bizstep:shipping'
// :param orgKey => '"cocoa-coop"'
MERGE (s:Shipment {key: $key})
  ON CREATE SET s.org = $org, s.id = $id, s.createdAt = $now
SET s += $props, s.source = 'declared', s.updatedAt = $now
WITH s
CALL (s) {
  MATCH (s)-[old:CARRIES]->()
  DELETE old
}
FOREACH (item IN $items |
  MERGE (p:ProductInstance {id: item.id})
    ON CREATE SET p.displayId = item.displayId, p.kind = item.kind
  MERGE (s)-[c:CARRIES]->(p)
  SET c.seq = item.seq)
WITH s
// a shipment made earlier from a shipping event of these items is this one: it is absorbed
CALL (s) {
  MATCH (s)-[:CARRIES]->(:ProductInstance)<-[:CARRIES]-(made:Shipment)
  WHERE any(x IN [$org] WHERE x = made.org) AND made.source = 'event' AND made <> s
  WITH DISTINCT made
  DETACH DELETE made
}
OPTIONAL CALL (s) {
  MATCH (s)-[:CARRIES]->(:ProductInstance)<-[:CONTAINS]-{0,8}(:ProductInstance)<-[:OBSERVED|PARENT|CHILD]-(e:Event)
  WHERE any(x IN [$org] WHERE x = e.owner) AND any(x IN [$shipping] WHERE x = e.bizStep)
  RETURN e ORDER BY e.eventTime LIMIT 1
}
SET s.status = CASE WHEN e IS NULL THEN s.declaredStatus ELSE 'shipped' END,
    s.shippedBy = e.eventID, s.shippedAt = e.eventTime
SET s.rank = $orgKey + ' ' + s.createdAt + ' ' + s.id,
    s.statusRank = $orgKey + ' ' + s.status + ' ' + s.createdAt + ' ' + s.id
RETURN s {.*, carried: [(s)-[c:CARRIES]->(p:ProductInstance) | [p.id, c.quantity, c.uom, c.seq]]}
  AS shipment, elementId(s) AS node

// GET /api/v1/shipments: a page of $org's shipments, newest first then by id, each with what
// it carries (readiness is computed from their lineage by enterprise_lineage).
// :param org => 'coop', status => null | 'ready', offset => 0, limit => 100
MATCH (s:Shipment {org: $org})
WHERE $status IS NULL OR s.status = $status
WITH s ORDER BY s.createdAt DESC, s.id
SKIP $offset LIMIT $limit
RETURN s {.*, carried: [(s)-[c:CARRIES]->(p:ProductInstance) | [p.id, c.quantity, c.uom, c.seq]]}
  AS shipment

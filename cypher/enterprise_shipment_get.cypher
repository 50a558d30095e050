// One of $org's shipments with what it carries (null for anyone else's).
// :param key => '["demo","SHP-2"]'
OPTIONAL MATCH (s:Shipment {key: $key})
RETURN CASE WHEN s IS NULL THEN null ELSE
  s {.*, carried: [(s)-[c:CARRIES]->(p:ProductInstance) | [p.id, c.quantity, c.uom, c.seq]]}
  END AS shipment

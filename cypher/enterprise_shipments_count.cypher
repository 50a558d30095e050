// GET /api/v1/shipments: how many of $org's shipments match (meta.total).
MATCH (s:Shipment {org: $org})
WHERE $status IS NULL OR s.status = $status
RETURN count(s) AS total

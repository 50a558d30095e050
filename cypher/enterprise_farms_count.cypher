// GET /api/v1/farms: how many of $org's farms match (meta.total).
MATCH (p:FarmProfile {org: $org})
WHERE $status IS NULL OR p.complianceStatus = $status
RETURN count(p) AS total

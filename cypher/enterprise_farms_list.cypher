// GET /api/v1/farms: a page of $org's farms, newest first then by id (a stable order).
// :param org => 'coop', status => null | 'approved', offset => 0, limit => 100
MATCH (p:FarmProfile {org: $org})
WHERE $status IS NULL OR p.complianceStatus = $status
WITH p ORDER BY p.createdAt DESC, p.facilityId
SKIP $offset LIMIT $limit
RETURN p {.*} AS farm

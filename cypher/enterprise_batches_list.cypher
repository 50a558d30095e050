// GET /api/v1/batches: a page of $org's collection batches, newest first then by id.
// :param org => 'coop', status => null | 'completed', offset => 0, limit => 100
MATCH (b:Batch {org: $org})
WHERE $status IS NULL OR b.status = $status
WITH b ORDER BY b.createdAt DESC, b.id
SKIP $offset LIMIT $limit
RETURN b {.*} AS batch

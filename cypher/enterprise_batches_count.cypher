// GET /api/v1/batches: how many of $org's batches match (meta.total).
MATCH (b:Batch {org: $org})
WHERE $status IS NULL OR b.status = $status
RETURN count(b) AS total

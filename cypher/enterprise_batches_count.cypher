// GET /api/v1/batches: how many of $org's collection batches there are (meta.total), counted on
// the index of `rank`.
// :param orgKey => '"cocoa-coop"'
MATCH (b:Batch)
WHERE b.rank STARTS WITH $orgKey + ' '
RETURN count(b) AS total

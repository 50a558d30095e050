// GET /api/v1/batches: how many of $org's collection batches have status $status (meta.total), counted on
// the index of `statusRank`.
// :param orgKey => '"cocoa-coop"'
// :param status => 'shipped'
MATCH (b:Batch)
WHERE b.statusRank STARTS WITH $orgKey + ' ' + $status + ' '
RETURN count(b) AS total

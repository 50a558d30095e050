// GET /api/v1/batches: a page of $org's collection batches, with status $status, newest first, then by id
// (descending): a stable order, so paging never repeats or skips a row. `statusRank` is
// `<org as JSON> <status> <createdAt> <id>` (prefix-free), so its index gives the page in order and
// a page reads offset + limit index entries, however many rows the org has.
// :param orgKey => '"cocoa-coop"'
// :param status => 'shipped'
// :param offset => 0
// :param limit => 100
MATCH (b:Batch)
WHERE b.statusRank STARTS WITH $orgKey + ' ' + $status + ' '
WITH b ORDER BY b.statusRank DESC
SKIP $offset LIMIT $limit
RETURN b {.*}
  AS batch

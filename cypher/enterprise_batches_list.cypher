// GET /api/v1/batches: a page of $org's collection batches, newest first, then by id
// (descending): a stable order, so paging never repeats or skips a row. `rank` is
// `<org as JSON> <createdAt> <id>` (prefix-free), so its index gives the page in order and
// a page reads offset + limit index entries, however many rows the org has.
// :param orgKey => '"cocoa-coop"'
// :param offset => 0
// :param limit => 10
MATCH (b:Batch)
WHERE b.rank STARTS WITH $orgKey + ' '
WITH b ORDER BY b.rank DESC
SKIP $offset LIMIT $limit
RETURN b {.*}
  AS batch

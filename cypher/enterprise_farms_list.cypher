// GET /api/v1/farms: a page of $org's farms, newest first, then by id
// (descending): a stable order, so paging never repeats or skips a row. `rank` is
// `<org as JSON> <createdAt> <id>` (prefix-free), so its index gives the page in order and
// a page reads offset + limit index entries, however many rows the org has.
// :param orgKey => '"cocoa-coop"'
// :param offset => 0
// :param limit => 100
MATCH (p:FarmProfile)
WHERE p.rank STARTS WITH $orgKey + ' '
WITH p ORDER BY p.rank DESC
SKIP $offset LIMIT $limit
RETURN p {.*}
  AS farm

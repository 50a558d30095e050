// GET /api/v1/farms: a page of $org's farms, with complianceStatus $status, newest first, then by id
// (descending): a stable order, so paging never repeats or skips a row. `statusRank` is
// `<org as JSON> <complianceStatus> <createdAt> <id>` (prefix-free), so its index gives the page in order and
// a page reads offset + limit index entries, however many rows the org has.
// :param orgKey => '"cocoa-coop"'
// :param status => 'pending'
// :param offset => 0
// :param limit => 100
MATCH (p:FarmProfile)
WHERE p.statusRank STARTS WITH $orgKey + ' ' + $status + ' '
WITH p ORDER BY p.statusRank DESC
SKIP $offset LIMIT $limit
RETURN p {.*}
  AS farm

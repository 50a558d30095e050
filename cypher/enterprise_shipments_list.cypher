// GET /api/v1/shipments: a page of $org's shipments, newest first, then by id
// (descending): a stable order, so paging never repeats or skips a row. `rank` is
// `<org as JSON> <createdAt> <id>` (prefix-free), so its index gives the page in order and
// a page reads offset + limit index entries, however many rows the org has.
// :param orgKey => '"cocoa-coop"'
// :param offset => 0
// :param limit => 100
MATCH (s:Shipment)
WHERE s.rank STARTS WITH $orgKey + ' '
WITH s ORDER BY s.rank DESC
SKIP $offset LIMIT $limit
RETURN s {.*, carried: [(s)-[c:CARRIES]->(p:ProductInstance) | [p.id, c.quantity, c.uom, c.seq]]}
  AS shipment

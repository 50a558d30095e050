// GET /api/v1/shipments: how many of $org's shipments have status $status (meta.total), counted on
// the index of `statusRank`.
// :param orgKey => '"cocoa-coop"'
// :param status => 'draft'
MATCH (s:Shipment)
WHERE s.statusRank STARTS WITH $orgKey + ' ' + $status + ' '
RETURN count(s) AS total

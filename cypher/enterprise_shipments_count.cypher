// GET /api/v1/shipments: how many of $org's shipments there are (meta.total), counted on
// the index of `rank`.
// :param orgKey => '"cocoa-coop"'
MATCH (s:Shipment)
WHERE s.rank STARTS WITH $orgKey + ' '
RETURN count(s) AS total

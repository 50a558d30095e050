// GET /api/v1/shipments: how many of $org's shipments have status $status counted row by
// row on the index of `statusRank`: what the listing's tallies must equal (meta.total is read from the
// tallies, enterprise_tallies_total.cypher; this full count checks them in tests and bench/).
// :param orgKey => '"cocoa-coop"'
// :param status => 'draft'
MATCH (s:Shipment)
WHERE s.statusRank STARTS WITH $orgKey + ' ' + $status + ' '
RETURN count(s) AS total

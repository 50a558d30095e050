// GET /api/v1/farms: how many of $org's farms have complianceStatus $status counted row by
// row on the index of `statusRank`: what the listing's tallies must equal (meta.total is read from the
// tallies, enterprise_tallies_total.cypher; this full count checks them in tests and bench/).
// :param orgKey => '"cocoa-coop"'
// :param status => 'pending'
MATCH (p:FarmProfile)
WHERE p.statusRank STARTS WITH $orgKey + ' ' + $status + ' '
RETURN count(p) AS total

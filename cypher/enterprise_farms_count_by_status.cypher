// GET /api/v1/farms: how many of $org's farms have complianceStatus $status (meta.total), counted on
// the index of `statusRank`.
// :param orgKey => '"cocoa-coop"'
// :param status => 'pending'
MATCH (p:FarmProfile)
WHERE p.statusRank STARTS WITH $orgKey + ' ' + $status + ' '
RETURN count(p) AS total

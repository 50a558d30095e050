// GET /api/v1/farms: how many of $org's farms there are (meta.total), counted on
// the index of `rank`.
// :param orgKey => '"cocoa-coop"'
MATCH (p:FarmProfile)
WHERE p.rank STARTS WITH $orgKey + ' '
RETURN count(p) AS total

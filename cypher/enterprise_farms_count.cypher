// GET /api/v1/farms: how many of $org's farms there are counted row by
// row on the index of `rank`: what the listing's tallies must equal (meta.total is read from the
// tallies, enterprise_tallies_total.cypher; this full count checks them in tests and bench/).
// :param orgKey => '"cocoa-coop"'
MATCH (p:FarmProfile)
WHERE p.rank STARTS WITH $orgKey + ' '
RETURN count(p) AS total

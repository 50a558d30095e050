// GET /api/v1/batches: how many of $org's collection batches there are counted row by
// row on the index of `rank`: what the listing's tallies must equal (meta.total is read from the
// tallies, enterprise_tallies_total.cypher; this full count checks them in tests and bench/).
// :param orgKey => '"cocoa-coop"'
MATCH (b:Batch)
WHERE b.rank STARTS WITH $orgKey + ' '
RETURN count(b) AS total

// GET /api/v1/farms|batches|shipments: `meta.total`, the sum of the tallies of the asked
// statuses (enterprise_tallies_move.cypher): each is the degree of one node, read in one
// database access, so the total costs the same at ten rows or a million.
// :param keys => ['batches collecting cocoa-coop', 'batches completed cocoa-coop', 'batches aggregated cocoa-coop', 'batches shipped cocoa-coop']
UNWIND $keys AS key
MATCH (t:Tally {key: key})
RETURN sum(COUNT { (t)<-[:COUNTED_IN]-() }) AS total

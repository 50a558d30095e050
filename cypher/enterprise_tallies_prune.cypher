// Delete those of $org's tallies ($keys) that count nothing any more: their last row moved to
// another status (enterprise_tallies_move.cypher) or was deleted. Run under the org's listings
// lock (enterprise_listings_lock.cypher), so no concurrent writer holds one of them found; an
// org's listings then hold a tally for each status that has rows, and only those, as an initial
// load writes them (trace_engine/initial/listings.py).
// :param keys => ['batches collecting cocoa-coop', 'batches completed cocoa-coop']
UNWIND $keys AS key
MATCH (t:Tally {key: key})
WHERE NOT EXISTS { (t)<-[:COUNTED_IN]-() }
DELETE t

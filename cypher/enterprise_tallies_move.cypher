// Keep each listing row counted in exactly one tally: the (:Tally {key}) of its listing, status
// and org, whose number of incoming COUNTED_IN relationships is the listing's `meta.total` for
// that status (a node's degree, which Neo4j keeps with the node: reading it is one database
// access, however many rows the org has). Run in the transaction that wrote the rows, after
// the write (which holds each row's write lock, so no other transaction moves it meanwhile) and
// under the org's listings lock (enterprise_listings_lock.cypher): a tally found here is not
// deleted before this transaction ends, and the tallies it empties are deleted after it
// (enterprise_tallies_prune.cypher). Rows come sorted by key. Key: `<listing> <status> <org>` (listing and
// status have no spaces), built by trace_engine/enterprise/repository.py `tally_key`.
// :param rows => [{node: '4:00000000-0000-0000-0000-000000000000:0', key: 'batches collecting cocoa-coop', listing: 'batches', status: 'collecting', org: 'cocoa-coop'}]
UNWIND $rows AS row
MATCH (n)
WHERE elementId(n) = row.node
CALL (n, row) {
  OPTIONAL MATCH (n)-[old:COUNTED_IN]->(was:Tally)
  WITH n, row, collect(old) AS olds, collect(was.key) AS counted
  WHERE counted <> [row.key]
  FOREACH (r IN olds | DELETE r)
  MERGE (t:Tally {key: row.key})
    ON CREATE SET t.listing = row.listing, t.status = row.status, t.org = row.org
  CREATE (n)-[:COUNTED_IN]->(t)
}

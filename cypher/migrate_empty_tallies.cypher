// Migration "empty-tallies", run by the schema step once per database (after
// "enterprise-tallies"). Writers now delete a tally they empty (enterprise_tallies_prune.cypher);
// a graph written before that, or one whose "enterprise-tallies" migration ran before it
// removed empty tallies, can still hold tallies that count nothing. Each is deleted under its
// org's listings lock, as a writer deletes one, and only if it is still empty once the lock is
// held. A second run finds none.

MATCH (t:Tally)
WHERE t.org IS NOT NULL AND NOT EXISTS { (t)<-[:COUNTED_IN]-() }
CALL (t) {
  MERGE (l:ListingsLock {org: t.org})
  SET l.held = true
  REMOVE l.held
  WITH t
  WHERE NOT EXISTS { (t)<-[:COUNTED_IN]-() }
  DELETE t
} IN TRANSACTIONS OF 5000 ROWS;

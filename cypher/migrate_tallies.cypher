// Migration "enterprise-tallies" (docs/enterprise.md, "Totals"), run by the schema step once
// per database (it records itself as a (:Migration) node); each statement is idempotent anyway.
// Graphs written before the tallies have farm, batch and shipment rows that no (:Tally) counts:
// each row not counted exactly once, in the tally of its listing, status and org, is locked
// (a property written and removed, so a concurrent writer waits), then counted there (the key
// as trace_engine/enterprise/repository.py `tally_key` builds it: `<listing> <status> <org>`).

MATCH (p:FarmProfile)
WHERE p.complianceStatus IS NOT NULL AND p.org IS NOT NULL
  AND [(p)-[:COUNTED_IN]->(t:Tally) | t.key] <> ['farms ' + p.complianceStatus + ' ' + p.org]
CALL (p) {
  SET p.tallyLock = true
  WITH p, 'farms ' + p.complianceStatus + ' ' + p.org AS key
  OPTIONAL MATCH (p)-[old:COUNTED_IN]->(:Tally)
  WITH p, key, collect(old) AS olds
  FOREACH (r IN olds | DELETE r)
  MERGE (t:Tally {key: key})
    ON CREATE SET t.listing = 'farms', t.status = p.complianceStatus, t.org = p.org
  CREATE (p)-[:COUNTED_IN]->(t)
  REMOVE p.tallyLock
} IN TRANSACTIONS OF 5000 ROWS;

MATCH (b:Batch)
WHERE b.status IS NOT NULL AND b.org IS NOT NULL
  AND [(b)-[:COUNTED_IN]->(t:Tally) | t.key] <> ['batches ' + b.status + ' ' + b.org]
CALL (b) {
  SET b.tallyLock = true
  WITH b, 'batches ' + b.status + ' ' + b.org AS key
  OPTIONAL MATCH (b)-[old:COUNTED_IN]->(:Tally)
  WITH b, key, collect(old) AS olds
  FOREACH (r IN olds | DELETE r)
  MERGE (t:Tally {key: key})
    ON CREATE SET t.listing = 'batches', t.status = b.status, t.org = b.org
  CREATE (b)-[:COUNTED_IN]->(t)
  REMOVE b.tallyLock
} IN TRANSACTIONS OF 5000 ROWS;

MATCH (s:Shipment)
WHERE s.status IS NOT NULL AND s.org IS NOT NULL
  AND [(s)-[:COUNTED_IN]->(t:Tally) | t.key] <> ['shipments ' + s.status + ' ' + s.org]
CALL (s) {
  SET s.tallyLock = true
  WITH s, 'shipments ' + s.status + ' ' + s.org AS key
  OPTIONAL MATCH (s)-[old:COUNTED_IN]->(:Tally)
  WITH s, key, collect(old) AS olds
  FOREACH (r IN olds | DELETE r)
  MERGE (t:Tally {key: key})
    ON CREATE SET t.listing = 'shipments', t.status = s.status, t.org = s.org
  CREATE (s)-[:COUNTED_IN]->(t)
  REMOVE s.tallyLock
} IN TRANSACTIONS OF 5000 ROWS;

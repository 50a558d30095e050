// Org $source shares its events with org $target (both created on first use); idempotent.
MERGE (a:Org {id: $source})
  ON CREATE SET a.created_at = $now
MERGE (b:Org {id: $target})
  ON CREATE SET b.created_at = $now
MERGE (a)-[s:SHARES_WITH]->(b)
  ON CREATE SET s.created_at = $now
RETURN a.id AS from, b.id AS to, s.created_at AS created_at

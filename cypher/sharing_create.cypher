// Org $source shares its events with org $target (both created on first use); idempotent.
MERGE (a:Org {id: $source})
  ON CREATE SET a.createdAt = $now
MERGE (b:Org {id: $target})
  ON CREATE SET b.createdAt = $now
MERGE (a)-[s:SHARES_WITH]->(b)
  ON CREATE SET s.createdAt = $now
RETURN a.id AS from, b.id AS to, s.createdAt AS created_at

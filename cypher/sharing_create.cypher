// Org $source offers to share its statements with org $target (both created on first use);
// idempotent. The share takes effect once $target accepts it (sharing_accept.cypher).
MERGE (a:Org {id: $source})
  ON CREATE SET a.createdAt = $now
MERGE (b:Org {id: $target})
  ON CREATE SET b.createdAt = $now
MERGE (a)-[s:SHARES_WITH]->(b)
  ON CREATE SET s.createdAt = $now
RETURN a.id AS from, b.id AS to, s.createdAt AS created_at, s.acceptedAt AS accepted_at

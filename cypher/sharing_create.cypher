// Org $source offers to share its statements with org $target (both created on first use);
// idempotent. The share takes effect once $target accepts it (sharing_accept.cypher).
// :param source => 'org-a'
// :param now => '2026-11-29T16:46:41.168Z'
// :param target => 'org-b'
MERGE (a:Org {id: $source})
  ON CREATE SET a.createdAt = $now
MERGE (b:Org {id: $target})
  ON CREATE SET b.createdAt = $now
MERGE (a)-[s:SHARES_WITH]->(b)
  ON CREATE SET s.createdAt = $now
RETURN a.id AS from, b.id AS to, s.createdAt AS created_at, s.acceptedAt AS accepted_at

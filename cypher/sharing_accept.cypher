// Org $target accepts the share $source offered it (idempotent: the first acceptance counts);
// returns nothing if $source offered none.
// :param source => 'org-a'
// :param target => 'org-b'
// :param now => '2026-11-29T16:46:41.216Z'
MATCH (a:Org {id: $source})-[s:SHARES_WITH]->(b:Org {id: $target})
SET s.acceptedAt = coalesce(s.acceptedAt, $now)
RETURN a.id AS from, b.id AS to, s.createdAt AS created_at, s.acceptedAt AS accepted_at

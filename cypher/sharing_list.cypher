// The org's shares: those it offers (outgoing) and those offered to it (incoming), each
// accepted or not yet.
// :param org => 'old'
MATCH (a:Org)-[s:SHARES_WITH]->(b:Org)
WHERE a.id = $org OR b.id = $org
RETURN a.id AS from, b.id AS to, s.createdAt AS created_at, s.acceptedAt AS accepted_at
ORDER BY s.createdAt, a.id, b.id

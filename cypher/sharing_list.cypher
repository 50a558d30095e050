// The org's shares: those it grants (outgoing) and those granted to it (incoming).
MATCH (a:Org)-[s:SHARES_WITH]->(b:Org)
WHERE a.id = $org OR b.id = $org
RETURN a.id AS from, b.id AS to, s.createdAt AS created_at
ORDER BY s.createdAt, a.id, b.id

// The org's shares: those it grants (outgoing) and those granted to it (incoming).
MATCH (a:Org)-[s:SHARES_WITH]->(b:Org)
WHERE a.id = $org OR b.id = $org
RETURN a.id AS from, b.id AS to, s.created_at AS created_at
ORDER BY s.created_at, a.id, b.id

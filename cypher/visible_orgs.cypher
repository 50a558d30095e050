// The orgs whose statements $org may see: itself and every org whose share it accepted.
// A share offered and not accepted shows nothing (sharing is a two-sided agreement).
// :param org => 'demo'
OPTIONAL MATCH (a:Org)-[s:SHARES_WITH]->(:Org {id: $org})
WHERE s.acceptedAt IS NOT NULL
RETURN [$org] + [x IN collect(a.id) WHERE x <> $org] AS orgs

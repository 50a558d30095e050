// The orgs whose events $org may see: itself and every org that shares with it.
OPTIONAL MATCH (a:Org)-[:SHARES_WITH]->(:Org {id: $org})
RETURN [$org] + [x IN collect(a.id) WHERE x <> $org] AS orgs

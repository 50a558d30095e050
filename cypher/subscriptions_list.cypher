// One org's subscriptions on one named query, oldest first.
// :param org => 'demo'
// :param name => 'shipped'
MATCH (s:Subscription {org: $org, queryName: $name})
RETURN properties(s) AS subscription
ORDER BY s.createdAt, s.id

// One subscription by id (ids are unique across orgs), limited to one org when $org is given
// (the operator's `trace-engine subscriptions test`).
// :param id => 'b5b5'
// :param org => null
MATCH (s:Subscription {id: $id})
WHERE $org IS NULL OR s.org = $org
RETURN properties(s) AS subscription

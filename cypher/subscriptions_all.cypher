// Every subscription, or one org's when $org is given (the operator's `trace-engine
// subscriptions list`), by org, query and creation.
// :param org => null
MATCH (s:Subscription)
WHERE $org IS NULL OR s.org = $org
RETURN properties(s) AS subscription
ORDER BY s.org, s.queryName, s.createdAt, s.id

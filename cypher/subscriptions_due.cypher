// Subscriptions due for a delivery round whose lease is free (the worker then claims each).
// :param now => '2026-11-29T17:00:00.000Z'
// :param limit => 50
MATCH (s:Subscription)
WHERE s.nextAttemptAt <= $now AND (s.leaseUntil IS NULL OR s.leaseUntil < $now)
RETURN s.id AS id
ORDER BY s.nextAttemptAt
LIMIT $limit

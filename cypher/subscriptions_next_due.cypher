// When the next subscription falls due after $now (a scheduled run or a retry's backoff), so
// the delivery worker sleeps until then rather than the whole poll interval.
// :param now => '2026-11-29T17:00:00.000Z'
MATCH (s:Subscription)
WHERE s.nextAttemptAt > $now
RETURN min(s.nextAttemptAt) AS next

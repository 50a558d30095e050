// Subscriptions due for a delivery round whose lease is free (the worker then claims each).
// A stream whose last round examined everything up to `checkedUntil` is due only when an
// event has been recorded since (at or after it, before $settled: one index seek for the
// newest settled event, so idle subscriptions cost nothing but this read) or its last round
// ended before $stale (a late-committing capture is still found). Scheduled runs, retries and
// new subscriptions are due by time.
// :param now => '2026-11-29T17:00:00.000Z'
// :param settled => '2026-11-29T16:59:59.000Z'
// :param stale => '2026-11-29T16:59:30.000Z'
// :param limit => 50
WITH COLLECT {
  MATCH (e:Event) WHERE e.recordTime < $settled
  RETURN e.recordTime ORDER BY e.recordTime DESC LIMIT 1
} AS newest
MATCH (s:Subscription)
WHERE s.nextAttemptAt <= $now AND (s.leaseUntil IS NULL OR s.leaseUntil < $now)
  AND (s.schedule IS NOT NULL OR s.checkedUntil IS NULL OR coalesce(s.attempts, 0) > 0
       OR s.nextAttemptAt <= $stale OR (size(newest) > 0 AND newest[0] >= s.checkedUntil))
RETURN s.id AS id
ORDER BY s.nextAttemptAt
LIMIT $limit

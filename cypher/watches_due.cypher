// Watches due for a round whose lease is free and that may still have something to deliver
// (an expired watch is due until its position reaches expiresAt: events recorded before it
// are still delivered). With each: what the worker needs to check for new events first.
// In id order after $afterId: a round pages through every due watch (a watch with nothing
// new is skipped without a write, so an order by anything it changes would starve others).
// :param now => '2026-11-29T17:00:00.000Z'
// :param afterId => ''
// :param limit => 100
MATCH (w:Watch)
WHERE w.id > $afterId AND w.nextAttemptAt <= $now
  AND (w.leaseUntil IS NULL OR w.leaseUntil < $now)
  AND (w.expiresAt IS NULL OR w.positionRecordTime < w.expiresAt)
RETURN w.id AS id, w.org AS org, w.positionRecordTime AS recordTime,
       w.positionEventID AS eventID, w.positionOwner AS owner, w.expiresAt AS expiresAt
ORDER BY w.id
LIMIT $limit

// End a watch's round: the lease freed, the next round due at $next, the failure state
// ($failure: attempts, status, firstFailureAt, failingSince, lastError, batchSize) set.
// :param id => 'w1'
// :param owner => 'worker-1'
// :param next => '2026-11-29T17:00:01.000Z'
// :param failure => {}
MATCH (w:Watch {id: $id, leaseOwner: $owner})
SET w += $failure, w.leaseUntil = null, w.leaseOwner = null, w.nextAttemptAt = $next
RETURN count(w) AS released

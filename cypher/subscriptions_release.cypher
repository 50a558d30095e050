// End a delivery round: the lease freed, the next round due at $next, the failure state
// ($failure: attempts, status, firstFailureAt, failingSince, lastError, batchSize) set.
// :param id => 'b5b5'
// :param owner => 'worker-1'
// :param next => '2026-11-29T17:00:01.000Z'
// :param failure => {}
MATCH (s:Subscription {id: $id, leaseOwner: $owner})
SET s += $failure, s.leaseUntil = null, s.leaseOwner = null, s.nextAttemptAt = $next
RETURN count(s) AS released

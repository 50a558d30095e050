// After a delivery the receiver took (2xx): the new position, the failure state cleared, the
// lease renewed. Only the lease holder may move it.
// :param id => 'b5b5'
// :param owner => 'worker-1'
// :param position => {lastRecordTime: '2026-11-29T17:00:00.000Z', lastEventID: 'urn:uuid:1', lastOwner: 'demo'}
// :param until => '2026-11-29T17:00:30.000Z'
// :param batch => 100
MATCH (s:Subscription {id: $id, leaseOwner: $owner})
SET s += $position, s.attempts = 0, s.status = 'active', s.failingSince = null,
    s.firstFailureAt = null, s.lastError = null, s.leaseUntil = $until, s.batchSize = $batch
RETURN count(s) AS moved

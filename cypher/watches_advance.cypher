// Move a watch's position (after a delivery its receiver took, or past events that did not
// touch its trace), clear the failure state and renew the lease. Only the lease holder may.
// :param id => 'w1'
// :param owner => 'worker-1'
// :param position => {positionRecordTime: '2026-11-29T17:00:00.000Z', positionEventID: 'urn:uuid:1', positionOwner: 'demo'}
// :param delivered => {lastDeliveredAt: '2026-11-29T17:00:01.000Z', lastEventID: 'urn:uuid:1'}
// :param sent => 1
// :param until => '2026-11-29T17:00:30.000Z'
// :param batch => 100
MATCH (w:Watch {id: $id, leaseOwner: $owner})
SET w += $position, w += $delivered, w.deliveries = coalesce(w.deliveries, 0) + $sent,
    w.attempts = 0, w.status = 'active',
    w.failingSince = null, w.firstFailureAt = null, w.lastError = null,
    w.leaseUntil = $until, w.batchSize = $batch
RETURN count(w) AS moved

// Take a subscription's lease if it is free. The first SET takes the node's write lock, so
// the lease is read after any other process's claim committed: two processes never both win.
// :param id => 'b5b5'
// :param now => '2026-11-29T17:00:00.000Z'
// :param owner => 'worker-1'
// :param until => '2026-11-29T17:00:30.000Z'
MATCH (s:Subscription {id: $id})
SET s.claimedAt = $now
WITH s
WHERE s.leaseUntil IS NULL OR s.leaseUntil < $now OR s.leaseOwner = $owner
SET s.leaseOwner = $owner, s.leaseUntil = $until
RETURN properties(s) AS subscription

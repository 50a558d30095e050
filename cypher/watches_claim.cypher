// Take a watch's lease if it is free. The first SET takes the node's write lock, so the lease
// is read after any other process's claim committed: two processes never both win.
// :param id => 'w1'
// :param now => '2026-11-29T17:00:00.000Z'
// :param owner => 'worker-1'
// :param until => '2026-11-29T17:00:30.000Z'
MATCH (w:Watch {id: $id})
SET w.claimedAt = $now
WITH w
WHERE w.leaseUntil IS NULL OR w.leaseUntil < $now OR w.leaseOwner = $owner
SET w.leaseOwner = $owner, w.leaseUntil = $until
RETURN properties(w) AS watch

// First write of every stage-changing transaction: take the write lock of the journey's
// JourneyLock node (held until commit), so concurrent stage writes on one journey run one
// after another and each recompute reads every committed stage. Not the Journey node itself:
// a transaction waiting for a node's lock is aborted (DeadlockDetected) when the holder then
// creates or deletes relationships of that node, which stage writes do. Nothing outside the org.
// :param id => 'f3946fbe-7c03-4904-ab82-28d5a79ab30f'
// :param org => 'demo'
MATCH (l:JourneyLock {id: $id})
WHERE l.org = $org
SET l.version = l.version + 1
RETURN l.id AS id

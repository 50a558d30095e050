// The heartbeat of the process storing a capture job: it is still at work.
// :param id => '05210ea88ea24115b59422bd6d370117'
// :param leaseUntil => 1796000000000
MATCH (j:CaptureJob {id: $id})
WHERE j.summary IS NULL
SET j.leaseUntil = $leaseUntil

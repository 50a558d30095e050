// The heartbeat of the process storing a capture job: it is still at work.
MATCH (j:CaptureJob {id: $id})
WHERE j.summary IS NULL
SET j.leaseUntil = $leaseUntil

// The earliest start of a capture job still being written (not finished, its lease not run
// out): the events it has yet to commit will carry a later recordTime, so a watch's position
// never moves past it, nor does a
// subscription's (else a long capture's events could be passed before they commit).
// :param nowMs => 1796000000000
MATCH (j:CaptureJob)
WHERE j.leaseUntil >= $nowMs AND j.summary IS NULL
RETURN min(j.createdAt) AS floor

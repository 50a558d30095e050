// A running job whose lease has run out (or that predates leases): the process storing it
// died. It is marked failed with `summary` (what the API reads), unless it finished meanwhile.
MATCH (j:CaptureJob {id: $id, org: $org})
WHERE j.summary IS NULL AND coalesce(j.leaseUntil, 0) < $now
SET j.running = false, j.success = false, j.finishedAt = $finishedAt, j.summary = $summary
RETURN j {.*} AS job

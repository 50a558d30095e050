// A running job whose lease has run out (or that predates leases): the process storing it
// died. It is marked failed with `summary` (what the API reads), unless it finished meanwhile.
// :param id => '05210ea88ea24115b59422bd6d370117'
// :param org => 'demo'
// :param now => 1796000000000
// :param finishedAt => '2026-11-29T16:27:49.432Z'
// :param summary => '{"success":false,"finishedAt":"2026-11-29T16:27:49.432Z","interrupted":"interrupted"}'
MATCH (j:CaptureJob {id: $id, org: $org})
WHERE j.summary IS NULL AND coalesce(j.leaseUntil, 0) < $now
SET j.running = false, j.success = false, j.finishedAt = $finishedAt, j.summary = $summary
RETURN j {.*} AS job

// Record a capture job's outcome. `summary` (JSON text: the per-event account with `success`
// and `finishedAt`) is what the API reads: a reader racing this write may see some of these
// properties and not others, and one property is seen whole or not at all.
MATCH (j:CaptureJob {id: $id})
SET j.running = false, j.success = $success, j.finishedAt = $finishedAt, j.summary = $summary

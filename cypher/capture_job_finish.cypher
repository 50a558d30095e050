// Record a capture job's outcome. `summary` (JSON text: the per-event account with `success`
// and `finishedAt`) is what the API reads: a reader racing this write may see some of these
// properties and not others, and one property is seen whole or not at all.
// :param id => '2963848e18dd48b3a32b3975a2caf6e2'
// :param success => true
// :param finishedAt => '2026-11-29T16:26:58.166Z'
// :param summary => '{"success":true,"finishedAt":"2026-11-29T16:26:58.166Z","batchStatus":"ACCEPTED","totalCount":0,"acceptedCount":0,"rejectedCount":0,"duplicateCount":0,"results":[]}'
MATCH (j:CaptureJob {id: $id})
SET j.running = false, j.success = $success, j.finishedAt = $finishedAt, j.summary = $summary

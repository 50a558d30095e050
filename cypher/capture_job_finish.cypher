// Record a capture job's outcome; `summary` is the per-event account as JSON text.
MATCH (j:CaptureJob {id: $id})
SET j.running = false, j.success = $success, j.finishedAt = $finishedAt, j.summary = $summary

// One capture job of the caller's org.
MATCH (j:CaptureJob {id: $id, org: $org})
RETURN j {.*} AS job

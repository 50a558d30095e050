// One capture job of the caller's org.
// :param id => 'nope'
// :param org => 'demo'
MATCH (j:CaptureJob {id: $id, org: $org})
RETURN j {.*} AS job

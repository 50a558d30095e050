// The org's capture jobs, newest first, after the keyset position ($afterCreated, $afterId;
// '\uffff' for the first page), at most $limit.
// :param org => 'acme'
// :param afterCreated => '￿'
// :param afterId => ''
// :param limit => 8
MATCH (j:CaptureJob)
WHERE j.org = $org
  AND (j.createdAt < $afterCreated OR (j.createdAt = $afterCreated AND j.id < $afterId))
RETURN j {.*} AS job
ORDER BY j.createdAt DESC, j.id DESC
LIMIT $limit

// A capture job, created when POST /epcis/capture accepts a document for processing. The
// process storing it renews `leaseUntil` (epoch ms) while it works; a job still running past
// its lease was interrupted (capture_job_interrupt.cypher). `success` is false until it ends.
// :param id => '05210ea88ea24115b59422bd6d370117'
// :param org => 'demo'
// :param createdAt => '2026-11-29T16:27:19.432Z'
// :param behaviour => 'proceed'
// :param totalCount => 4
// :param leaseUntil => 1796000000000
CREATE (j:CaptureJob {
  id: $id, org: $org, createdAt: $createdAt, running: true, success: false,
  captureErrorBehaviour: $behaviour, totalCount: $totalCount, leaseUntil: $leaseUntil
})

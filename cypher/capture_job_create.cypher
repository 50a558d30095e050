// A capture job, created when POST /epcis/capture accepts a document for processing. The
// process storing it renews `leaseUntil` (epoch ms) while it works; a job still running past
// its lease was interrupted (capture_job_interrupt.cypher). `success` is false until it ends.
CREATE (j:CaptureJob {
  id: $id, org: $org, createdAt: $createdAt, running: true, success: false,
  captureErrorBehaviour: $behaviour, totalCount: $totalCount, leaseUntil: $leaseUntil
})

// A capture job, created when POST /epcis/capture accepts a document for processing.
CREATE (j:CaptureJob {
  id: $id, org: $org, createdAt: $createdAt, running: true, success: true,
  captureErrorBehaviour: $behaviour, totalCount: $totalCount
})

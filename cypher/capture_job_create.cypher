// A capture job, created when POST /epcis/capture accepts a document for processing.
// :param id => '05210ea88ea24115b59422bd6d370117'
// :param org => 'demo'
// :param createdAt => '2026-11-29T16:27:19.432Z'
// :param behaviour => 'proceed'
// :param totalCount => 4
CREATE (j:CaptureJob {
  id: $id, org: $org, createdAt: $createdAt, running: true, success: true,
  captureErrorBehaviour: $behaviour, totalCount: $totalCount
})

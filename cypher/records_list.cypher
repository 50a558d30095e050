// One page of an org's traceability records, oldest first (ties by id, so pages are stable).
//   :param org => 'demo'
//   :param productKey => null
//   :param batchNumber => null
//   :param skip => 0
//   :param limit => 20
MATCH (r:TraceabilityRecord {org: $org})
WHERE ($productKey IS NULL OR r.productKey = $productKey)
  AND ($batchNumber IS NULL OR r.batchNumber = $batchNumber)
RETURN properties(r) AS record
ORDER BY r.createdAt, r.id
SKIP $skip
LIMIT $limit

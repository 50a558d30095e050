// How many traceability records of one org match the optional filters (null: any).
//   :param org => 'demo'
//   :param productKey => null
//   :param batchNumber => null
MATCH (r:TraceabilityRecord {org: $org})
WHERE ($productKey IS NULL OR r.productKey = $productKey)
  AND ($batchNumber IS NULL OR r.batchNumber = $batchNumber)
RETURN count(r) AS total

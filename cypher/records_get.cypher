// One traceability record of one org; another org's record is not found.
//   :param id => '…'
//   :param org => 'demo'
MATCH (r:TraceabilityRecord {id: $id, org: $org})
RETURN properties(r) AS record

// Change some fields of one org's traceability record (PATCH). A null in $changes removes
// the property; fields not in $changes are untouched. Returns nothing for another org's id.
MATCH (r:TraceabilityRecord {id: $id, org: $org})
SET r += $changes
RETURN properties(r) AS record

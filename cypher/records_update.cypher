// Change some fields of one org's traceability record (PATCH). A null in $changes removes
// the property; fields not in $changes are untouched. Returns nothing for another org's id.
// :param id => '1f912e56-f9c0-445c-bb50-5ff2534c84ff'
// :param org => 'demo'
// :param changes => {notes: 'checked', updatedAt: '2026-11-29T16:22:06.904Z'}
MATCH (r:TraceabilityRecord {id: $id, org: $org})
SET r += $changes
RETURN properties(r) AS record

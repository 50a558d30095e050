// The traceability records of one org linked to any of the given product instances, for
// the `traceabilityRecords` block of a trace.
//   :param org => 'demo'
//   :param instances => ['01/00614141107346/10/LOT1']
UNWIND $instances AS key
MATCH (i:ProductInstance {id: key})<-[:FOR_INSTANCE]-(r:TraceabilityRecord {org: $org})
RETURN i.id AS instance, properties(r) AS record
ORDER BY r.createdAt, r.id

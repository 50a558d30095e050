// What the FSMA 204 reports need to know about lots: their product class, lot dates, and the
// event the caller's orgs may see that created the lot (a transformation's output or an
// ObjectEvent ADD; the first in time): its location is the traceability lot code source.
//
//   :param keys => ['01/00860002010018/10/PVG240502R']
//   :param orgs => ['demo']
UNWIND $keys AS key
MATCH (i:ProductInstance {id: key})
OPTIONAL MATCH (i)-[:INSTANCE_OF]->(p:Product)
CALL (i) {
  OPTIONAL MATCH (i)<-[r:OUTPUT|OBSERVED]-(e:Event)
  WHERE e.owner IN $orgs
    AND (type(r) = 'OUTPUT' OR (e.eventType = 'ObjectEvent' AND e.action = 'ADD'))
  WITH e ORDER BY e.eventTime
  LIMIT 1
  RETURN e.raw AS created
}
RETURN i.id AS key, p.id AS product, i.harvestStartDate AS harvestStart,
       i.harvestEndDate AS harvestEnd, created

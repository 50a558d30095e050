// What the FSMA 204 reports need to know about lots: their product class, lot dates, and the
// event the caller's orgs may see that created the lot (a transformation's output or an
// ObjectEvent ADD; the first in time): its location is the traceability lot code source.
// One row: `lots` (one entry per key found) and `creators` (each creating event once, as
// captured, since one transformation often makes many lots).
//
//   :param keys => ['01/00860002100012/10/PVG240502R']
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
  RETURN e AS creator
}
// lot data is per org: the statement of the creating event's owner, else of the first
// visible org by name
WITH i, p, creator, head(COLLECT {
  MATCH (d:LotData)-[:DESCRIBES]->(i) WHERE d.org IN $orgs
  RETURN d ORDER BY d.org <> creator.owner, d.org LIMIT 1
}) AS lot
WITH collect({key: i.id, product: p.id, harvestStart: lot.harvestStartDate,
              harvestEnd: lot.harvestEndDate, createdBy: creator.eventID}) AS lots,
     collect(DISTINCT creator) AS creators
RETURN lots, [c IN creators | {eventID: c.eventID, raw: c.raw}] AS creators

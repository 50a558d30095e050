// Where a recall's events happened, aggregated: for every facility of the events the caller's
// orgs may see on $members (product instance keys), the number of events there and the first
// and last event time; and the orgs that own them. One row per facility (null: no location).
//
//   :param members => ['01/00860002100012/10/PVG240502R']
//   :param orgs => ['demo']
UNWIND $members AS key
MATCH (:ProductInstance {id: key})<-[:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]-(e:Event)
WHERE e.owner IN $orgs
WITH DISTINCT e
OPTIONAL MATCH (e)-[:AT]->(at:Facility)
OPTIONAL MATCH (e)-[:READ_POINT]->(rp:Facility)
WITH coalesce(at.id, rp.id) AS facility, e
RETURN facility, count(e) AS events, min(e.eventTime) AS first, max(e.eventTime) AS last,
       collect(DISTINCT e.owner) AS owners

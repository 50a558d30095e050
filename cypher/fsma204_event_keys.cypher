// The events the caller's orgs may see that touch any of $members (product instance keys),
// optionally within [$since, $until] (UTC, as stored): identity and time only, so a wide
// recall's events can be sorted before their bodies are read page by page.
//
//   :param members => ['01/00860002010018/10/PVG240502R']
//   :param orgs => ['demo']
//   :param since => null
//   :param until => null
UNWIND $members AS key
MATCH (:ProductInstance {id: key})<-[:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]-(e:Event)
WHERE e.owner IN $orgs
  AND ($since IS NULL OR e.eventTime >= $since)
  AND ($until IS NULL OR e.eventTime <= $until)
RETURN DISTINCT e.eventID AS eventID, e.eventTime AS eventTime,
       e.eventTimeZoneOffset AS offset, e.owner AS owner

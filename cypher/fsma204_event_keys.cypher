// The events the caller's orgs may see that touch any of $members (product instance keys),
// optionally within [$since, $until] (UTC, as stored), and with $cteOnly only those that may
// be FSMA 204 Critical Tracking Events (transformations, and the bizSteps in $steps or naming
// cooling; trace_engine/fsma204/cte.py decides): identity and time only, so a wide recall's
// events can be sorted before their bodies are read page by page.
//
//   :param members => ['01/00860002100012/10/PVG240502R']
//   :param orgs => ['demo']
//   :param since => null
//   :param until => null
//   :param cteOnly => true
//   :param steps => ['urn:epcglobal:cbv:bizstep:shipping', 'urn:epcglobal:cbv:bizstep:receiving']
UNWIND $members AS key
MATCH (:ProductInstance {id: key})<-[:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]-(e:Event)
WHERE e.owner IN $orgs
  AND ($since IS NULL OR e.eventTime >= $since)
  AND ($until IS NULL OR e.eventTime <= $until)
  AND (NOT $cteOnly OR e.eventType = 'TransformationEvent' OR e.bizStep IN $steps
       OR toLower(coalesce(e.bizStep, '')) CONTAINS 'cool')
RETURN DISTINCT e.eventID AS eventID, e.eventTime AS eventTime,
       e.eventTimeZoneOffset AS offset, e.owner AS owner

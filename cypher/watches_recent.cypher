// Whether any event of the given orgs sorts after a watch's position (recordTime, eventID,
// owner) and was recorded before $before: a watch with nothing new does not read its trace.
// :param orgs => ['demo']
// :param afterValue => '2026-11-29T17:00:00.000Z'
// :param afterId => ''
// :param afterOwner => ''
// :param before => '2026-11-29T17:05:00.000Z'
RETURN EXISTS {
  MATCH (e:Event)
  WHERE e.recordTime >= $afterValue AND e.recordTime < $before
    AND [e.recordTime, e.eventID, e.owner] > [$afterValue, $afterId, $afterOwner]
    AND e.owner IN $orgs
} AS found

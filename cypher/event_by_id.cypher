// One event as captured, if the caller's org may see it. Two visible orgs may each have an
// event with this id: the caller's own wins (`$orgs[0]` is the caller), then by org name.
// :param eventId => 'urn:uuid:…'
// :param orgs => ['demo']
MATCH (e:Event {eventID: $eventId})
WHERE e.owner IN $orgs
RETURN e.raw AS raw, e.owner AS owner
ORDER BY e.owner <> $orgs[0], e.owner
LIMIT 1

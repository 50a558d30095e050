// One event as captured, if the caller's org may see it.
// :param eventId => 'urn:uuid:…'   :param orgs => ['demo']
MATCH (e:Event {eventID: $eventId})
WHERE e.owner IN $orgs
RETURN e.raw AS raw

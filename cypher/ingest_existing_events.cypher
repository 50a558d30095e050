// Which of these eventIDs are stored already (they are reported as duplicates, not written).
// :param eventIds => ['urn:uuid:…']
UNWIND $eventIds AS eventId
MATCH (e:Event {eventID: eventId})
RETURN collect(eventId) AS existing

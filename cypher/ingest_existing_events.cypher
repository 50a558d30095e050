// Which of these eventIDs $org has stored already (they are reported as duplicates, not
// written). Another org's event with the same id is not looked at: identity is per owner.
// :param eventIds => ['urn:uuid:fd338495-0e6d-41dd-afee-a862ecd32518']
// :param org => 'demo'
UNWIND $eventIds AS eventId
MATCH (e:Event {eventID: eventId, owner: $org})
RETURN collect(eventId) AS existing

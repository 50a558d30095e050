// The events with the given eventIDs.
// :param anchorKeys => ['urn:uuid:…']
// :param orgs => ['demo']
UNWIND $anchorKeys AS id
MATCH (e:Event {eventID: id})
USING INDEX e:Event(eventID)
WHERE e.owner IN $orgs

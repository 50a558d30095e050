// The events with the given eventIDs.
// :param orgs => ['demo']   :param anchorKeys => ['urn:uuid:…']
UNWIND $anchorKeys AS id
MATCH (e:Event {eventID: id})
USING INDEX e:Event(eventID)
WHERE e.owner IN $orgs

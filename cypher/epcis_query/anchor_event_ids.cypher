// The events with the given eventIDs, of the visible orgs: one seek of the (eventID, owner)
// key per pair (an eventID is unique per owning org).
// :param anchorKeys => ['urn:uuid:…']
// :param orgs => ['demo']
UNWIND $anchorKeys AS id
UNWIND $orgs AS org
MATCH (e:Event {eventID: id, owner: org})
USING INDEX e:Event(eventID, owner)
WHERE true

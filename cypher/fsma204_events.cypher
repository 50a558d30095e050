// One page of events (as captured, EPCIS 2.0 JSON-LD text) by (eventID, owner): an event is
// the statement of the org that captured it, so two orgs may hold one eventID. Only events
// owned by one of $orgs.
//
//   :param keys => [{eventID: 'urn:uuid:…', owner: 'demo'}]
//   :param orgs => ['demo']
UNWIND $keys AS key
MATCH (e:Event {eventID: key.eventID, owner: key.owner})
WHERE e.owner IN $orgs
RETURN e.eventID AS eventID, e.owner AS owner, e.raw AS raw

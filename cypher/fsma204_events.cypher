// One page of events (as captured, EPCIS 2.0 JSON-LD text) by eventID, for the FSMA 204 and
// recall reports; only events owned by one of $orgs.
//
//   :param eventIDs => ['urn:uuid:…']
//   :param orgs => ['demo']
UNWIND $eventIDs AS id
MATCH (e:Event {eventID: id})
WHERE e.owner IN $orgs
RETURN e.eventID AS eventID, e.owner AS owner, e.raw AS raw

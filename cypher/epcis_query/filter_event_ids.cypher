// One filter of an EPCIS events query (see README.md).
// :param eventIds => ['urn:uuid:…']
  AND e.eventID IN $eventIds

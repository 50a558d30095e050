// One filter of an EPCIS events query (see README.md).
// :param eventTypes => ['ObjectEvent']
  AND e.eventType IN $eventTypes

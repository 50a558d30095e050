// One filter of an EPCIS events query (see README.md).
  AND e.eventType IN $eventTypes

// One filter of an EPCIS events query (see README.md).
  AND e.eventTime >= $geEventTime AND e.eventTime < $ltEventTime

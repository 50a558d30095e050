// One filter of an EPCIS events query (see README.md).
// :param geEventTime => '2024-05-01T00:00:00.000Z'
// :param ltEventTime => '2024-06-01T00:00:00.000Z'
  AND e.eventTime >= $geEventTime AND e.eventTime < $ltEventTime

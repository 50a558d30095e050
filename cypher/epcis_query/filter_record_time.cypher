// One filter of an EPCIS events query (see README.md).
// :param geRecordTime => '2024-05-01T00:00:00.000Z'
// :param ltRecordTime => '2030-01-01T00:00:00.000Z'
  AND e.recordTime >= $geRecordTime AND e.recordTime < $ltRecordTime

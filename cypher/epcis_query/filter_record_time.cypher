// One filter of an EPCIS events query (see README.md).
  AND e.recordTime >= $geRecordTime AND e.recordTime < $ltRecordTime

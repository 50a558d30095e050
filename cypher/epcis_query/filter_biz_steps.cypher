// One filter of an EPCIS events query (see README.md).
  AND e.bizStep IN $bizSteps

// One filter of an EPCIS events query (see README.md).
// :param bizSteps => ['urn:epcglobal:cbv:bizstep:shipping']
  AND e.bizStep IN $bizSteps

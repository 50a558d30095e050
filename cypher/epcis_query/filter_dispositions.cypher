// One filter of an EPCIS events query (see README.md).
// :param dispositions => ['urn:epcglobal:cbv:disp:in_transit']
  AND e.disposition IN $dispositions

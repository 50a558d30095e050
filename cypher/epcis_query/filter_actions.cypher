// One filter of an EPCIS events query (see README.md).
// :param actions => ['ADD', 'OBSERVE']
  AND e.action IN $actions

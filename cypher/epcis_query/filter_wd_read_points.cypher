// One filter of an EPCIS events query (see README.md): WD_readPoint, the places and
// their descendants (expanded by the service).
// :param wdReadPoints => ['414/0883456001002']
  AND EXISTS { (e)-[:READ_POINT]->(f:Facility) WHERE f.id IN $wdReadPoints }

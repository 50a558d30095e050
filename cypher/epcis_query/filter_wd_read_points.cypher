// One filter of an EPCIS events query (see README.md): WD_readPoint, the places and
// their descendants (expanded by the service).
  AND EXISTS { (e)-[:READ_POINT]->(f:Facility) WHERE f.id IN $wdReadPoints }

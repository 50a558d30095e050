// One filter of an EPCIS events query (see README.md).
// :param readPoints => ['414/0883456001002']
  AND EXISTS { (e)-[:READ_POINT]->(f:Facility) WHERE f.id IN $readPoints }

// One filter of an EPCIS events query (see README.md).
  AND EXISTS { (e)-[:READ_POINT]->(f:Facility) WHERE f.id IN $readPoints }

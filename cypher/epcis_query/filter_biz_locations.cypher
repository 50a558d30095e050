// One filter of an EPCIS events query (see README.md).
// :param bizLocations => ['414/0883456001002']
  AND EXISTS { (e)-[:AT]->(f:Facility) WHERE f.id IN $bizLocations }

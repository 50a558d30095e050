// One filter of an EPCIS events query (see README.md).
  AND EXISTS { (e)-[:AT]->(f:Facility) WHERE f.id IN $bizLocations }

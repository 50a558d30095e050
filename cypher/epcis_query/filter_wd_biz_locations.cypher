// One filter of an EPCIS events query (see README.md): WD_bizLocation, the places and
// their descendants (expanded by the service).
  AND EXISTS { (e)-[:AT]->(f:Facility) WHERE f.id IN $wdBizLocations }

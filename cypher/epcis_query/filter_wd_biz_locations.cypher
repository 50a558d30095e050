// One filter of an EPCIS events query (see README.md): WD_bizLocation, the places and
// their descendants (expanded by the service).
// :param wdBizLocations => ['414/0883456001002']
  AND EXISTS { (e)-[:AT]->(f:Facility) WHERE f.id IN $wdBizLocations }

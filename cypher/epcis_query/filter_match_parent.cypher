// One filter of an EPCIS events query (see README.md): match_parent, any identifier form.
// :param matchParentKeys => ['01/00860002100012/10/PVG240502R']
// :param matchParentPrefixes => []
  AND EXISTS { (e)-[:PARENT]->(t) WHERE t.id IN $matchParentKeys OR any(p IN $matchParentPrefixes WHERE t.id STARTS WITH p) }

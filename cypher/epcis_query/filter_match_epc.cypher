// One filter of an EPCIS events query (see README.md): match_epc, any identifier form.
// :param matchEpcKeys => ['01/00860002100012/10/PVG240502R']
// :param matchEpcPrefixes => []
  AND EXISTS { (e)-[:OBSERVED|CHILD]->(t) WHERE t.id IN $matchEpcKeys OR any(p IN $matchEpcPrefixes WHERE t.id STARTS WITH p) }

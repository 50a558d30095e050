// One filter of an EPCIS events query (see README.md): match_epc_class, any identifier form.
// :param matchEpcClassKeys => ['01/00860002100012/10/PVG240502R']
// :param matchEpcClassPrefixes => []
  AND EXISTS { (e)-[:OBSERVED|CHILD]->(t) WHERE t.id IN $matchEpcClassKeys OR any(p IN $matchEpcClassPrefixes WHERE t.id STARTS WITH p) }

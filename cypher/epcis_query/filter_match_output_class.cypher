// One filter of an EPCIS events query (see README.md): match_output_class, any identifier form.
// :param matchOutputClassKeys => ['01/00860002100012/10/PVG240502R']
// :param matchOutputClassPrefixes => []
  AND EXISTS { (e)-[:OUTPUT]->(t) WHERE t.id IN $matchOutputClassKeys OR any(p IN $matchOutputClassPrefixes WHERE t.id STARTS WITH p) }

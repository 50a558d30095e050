// One filter of an EPCIS events query (see README.md): match_any_class, any identifier form.
// :param matchAnyClassKeys => ['01/00860002100012/10/PVG240502R']
// :param matchAnyClassPrefixes => []
  AND EXISTS { (e)-[:OBSERVED|CHILD|INPUT|OUTPUT]->(t) WHERE t.id IN $matchAnyClassKeys OR any(p IN $matchAnyClassPrefixes WHERE t.id STARTS WITH p) }

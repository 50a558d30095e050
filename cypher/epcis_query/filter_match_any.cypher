// One filter of an EPCIS events query (see README.md): match_any, any identifier form.
// :param matchAnyKeys => ['01/00860002100012/10/PVG240502R']
// :param matchAnyPrefixes => []
  AND EXISTS { (e)-[:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]->(t) WHERE t.id IN $matchAnyKeys OR any(p IN $matchAnyPrefixes WHERE t.id STARTS WITH p) }

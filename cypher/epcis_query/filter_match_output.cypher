// One filter of an EPCIS events query (see README.md): match_output, any identifier form.
// :param matchOutputKeys => ['01/00860002100012/10/PVG240502R']
// :param matchOutputPrefixes => []
  AND EXISTS { (e)-[:OUTPUT]->(t) WHERE t.id IN $matchOutputKeys OR any(p IN $matchOutputPrefixes WHERE t.id STARTS WITH p) }

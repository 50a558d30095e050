// One filter of an EPCIS events query (see README.md): match_input, any identifier form.
// :param matchInputKeys => ['01/00860002100012/10/PVG240502R']
// :param matchInputPrefixes => []
  AND EXISTS { (e)-[:INPUT]->(t) WHERE t.id IN $matchInputKeys OR any(p IN $matchInputPrefixes WHERE t.id STARTS WITH p) }

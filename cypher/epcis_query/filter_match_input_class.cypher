// One filter of an EPCIS events query (see README.md): match_input_class, any identifier form.
// :param matchInputClassKeys => ['01/00860002100012/10/PVG240502R']
// :param matchInputClassPrefixes => []
  AND EXISTS { (e)-[:INPUT]->(t) WHERE t.id IN $matchInputClassKeys OR any(p IN $matchInputClassPrefixes WHERE t.id STARTS WITH p) }

// One filter of an EPCIS events query (see README.md): match_input, any identifier form.
  AND EXISTS { (e)-[:INPUT]->(t) WHERE t.id IN $matchInputKeys OR any(p IN $matchInputPrefixes WHERE t.id STARTS WITH p) }

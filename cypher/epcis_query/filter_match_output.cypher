// One filter of an EPCIS events query (see README.md): match_output, any identifier form.
  AND EXISTS { (e)-[:OUTPUT]->(t) WHERE t.id IN $matchOutputKeys OR any(p IN $matchOutputPrefixes WHERE t.id STARTS WITH p) }

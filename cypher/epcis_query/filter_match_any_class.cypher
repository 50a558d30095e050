// One filter of an EPCIS events query (see README.md): match_any_class, any identifier form.
  AND EXISTS { (e)-[:OBSERVED|CHILD|INPUT|OUTPUT]->(t) WHERE t.id IN $matchAnyClassKeys OR any(p IN $matchAnyClassPrefixes WHERE t.id STARTS WITH p) }

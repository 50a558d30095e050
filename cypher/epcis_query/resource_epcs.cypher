// Top-level resource: ProductInstance keys after $after that one of $orgs' events names
// through OBSERVED|CHILD|PARENT|INPUT|OUTPUT, in key order.
// :param after => ''
// :param orgs => ['acme', 'partner']
// :param limit => 501
MATCH (t:ProductInstance)
WHERE t.id > $after
  AND EXISTS { MATCH (e:Event)-[:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]->(t) WHERE e.owner IN $orgs }
RETURN t.id AS value
ORDER BY value
LIMIT $limit

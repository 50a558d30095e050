// Top-level resource: Facility keys after $after that one of $orgs' events names
// through READ_POINT, in key order.
// :param after => ''
// :param orgs => ['demo']
// :param limit => 30
MATCH (t:Facility)
WHERE t.id > $after
  AND EXISTS { MATCH (e:Event)-[:READ_POINT]->(t) WHERE e.owner IN $orgs }
RETURN t.id AS value
ORDER BY value
LIMIT $limit

// Top-level resource: Facility keys after $after that one of $orgs' events names
// through AT, in key order.
// :param after => ''
// :param orgs => ['rival']
// :param limit => 31
MATCH (t:Facility)
WHERE t.id > $after
  AND EXISTS { MATCH (e:Event)-[:AT]->(t) WHERE e.owner IN $orgs }
RETURN t.id AS value
ORDER BY value
LIMIT $limit

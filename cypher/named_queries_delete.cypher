// Delete one org's named query and its subscriptions (api: DELETE /epcis/queries/{name});
// no row when it has none.
// :param org => 'demo'
// :param name => 'shipped'
MATCH (q:NamedQuery {org: $org, name: $name})
OPTIONAL MATCH (s:Subscription)-[:SUBSCRIBES]->(q)
DETACH DELETE s, q
RETURN true AS deleted

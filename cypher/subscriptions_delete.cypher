// Delete one org's subscription; no row when it has none by that id on that query.
// :param org => 'demo'
// :param name => 'shipped'
// :param id => 'b5b5'
MATCH (s:Subscription {id: $id, org: $org, queryName: $name})
DETACH DELETE s
RETURN true AS deleted

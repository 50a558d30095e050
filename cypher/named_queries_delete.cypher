// Delete one org's named query (api: DELETE /epcis/queries/{name}); no row when it has none.
// :param org => 'demo'
// :param name => 'shipped'
MATCH (q:NamedQuery {org: $org, name: $name})
DETACH DELETE q
RETURN true AS deleted

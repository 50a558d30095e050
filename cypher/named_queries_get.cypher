// One org's named query by name (another org's answers nothing: 404).
// :param org => 'demo'
// :param name => 'shipped'
MATCH (q:NamedQuery {org: $org, name: $name})
RETURN properties(q) AS query

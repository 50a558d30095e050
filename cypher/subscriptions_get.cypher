// One org's subscription by query name and id (another org's answers nothing: 404).
// :param org => 'demo'
// :param name => 'shipped'
// :param id => 'b5b5'
MATCH (s:Subscription {id: $id, org: $org, queryName: $name})
RETURN properties(s) AS subscription

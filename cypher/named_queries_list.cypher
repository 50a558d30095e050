// One org's named queries by name, after $after (keyset paging; null: from the start).
// :param org => 'demo'
// :param after => null
// :param limit => 20
MATCH (q:NamedQuery {org: $org})
WHERE $after IS NULL OR q.name > $after
RETURN properties(q) AS query
ORDER BY q.name
LIMIT $limit

// One org's recall watches, oldest first.
// :param org => 'demo'
MATCH (w:Watch {org: $org})
RETURN properties(w) AS watch
ORDER BY w.createdAt, w.id

// Whether migration $id has run on this database.
// :param id => 'statements-per-org'
OPTIONAL MATCH (m:Migration {id: $id})
RETURN m IS NOT NULL AS done

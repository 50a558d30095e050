// A migration's record (when it ran, and its report for repeatable ones).
// :param id => 'stored-values'
OPTIONAL MATCH (m:Migration {id: $id})
RETURN m {.*} AS migration

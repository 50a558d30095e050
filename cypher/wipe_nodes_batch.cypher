// Delete up to $limit nodes that have no relationships left (after wipe_relationships_batch).
// :param limit => 10000
MATCH (n)
WITH n LIMIT $limit
DELETE n
RETURN count(*) AS deleted

// Delete up to $limit relationships (benchmarks empty a big graph in small transactions,
// relationships first, so a node with a hundred thousand of them, a busy facility, never has
// to be detached in one transaction). Run until it returns 0, then wipe_nodes_batch.
// :param limit => 10000
MATCH ()-[r]->()
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

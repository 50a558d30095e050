// Delete up to $limit nodes and their relationships (benchmarks: a big graph, emptied in
// small transactions so a 1 GiB heap is enough). Run until it returns 0.
// :param limit => 2000
MATCH (n)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted

// Delete everything (tests only): in batches so a big graph does not exhaust the heap.
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS

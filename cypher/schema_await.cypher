// Block until every index is online (after schema changes).
CALL db.awaitIndexes(300)

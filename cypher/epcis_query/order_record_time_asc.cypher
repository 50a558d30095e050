// The page: events by recordTime ASC (eventID and owner break ties), at most $limit.
// :param limit => 30
RETURN e.raw AS raw, e.eventTime AS eventTime, e.recordTime AS recordTime,
       e.eventID AS eventID, e.owner AS owner, e.namespaces AS namespaces,
       e.errorDeclaration AS errorDeclaration
ORDER BY e.recordTime ASC, e.eventID ASC, e.owner ASC
LIMIT $limit

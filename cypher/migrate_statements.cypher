// Migration "statements-per-org" (docs/architecture.md, "Ownership"), run by the schema step
// once per database (it records itself as a (:Migration) node); each statement is idempotent
// anyway. Earlier versions kept master data and ILMD lot data as properties of the shared
// Facility, Product and ProductInstance nodes, owned by nobody. Each such node's attributes
// become the statement of one org: the owner of the earliest event that refers to it, or
// else $soleOrg (the only org the database knows, when there is exactly one). A node neither
// gives keeps its properties (shown to nobody) and is counted in the final statement.
// :param soleOrg => 'demo'

MATCH (f:Facility)
WHERE any(k IN keys(f) WHERE NOT k IN ['id', 'displayId'])
CALL (f) {
  WITH f, coalesce(head(COLLECT {
    MATCH (f)<-[:AT|READ_POINT|SOURCE|DESTINATION]-(e:Event)
    RETURN e.owner ORDER BY e.recordTime, e.eventTime LIMIT 1
  }), $soleOrg) AS org
  WHERE org IS NOT NULL
  MERGE (d:FacilityData {id: f.id, org: org})
  MERGE (d)-[:DESCRIBES]->(f)
  SET d += properties(f)
  REMOVE d.displayId
  SET f = {id: f.id, displayId: f.displayId}
} IN TRANSACTIONS OF 5000 ROWS;

MATCH (p:Product)
WHERE any(k IN keys(p) WHERE NOT k IN ['id', 'displayId'])
CALL (p) {
  WITH p, coalesce(head(COLLECT {
    MATCH (p)<-[:OBSERVED|CHILD|INPUT|OUTPUT]-(e:Event)
    RETURN e.owner ORDER BY e.recordTime, e.eventTime LIMIT 1
  }), head(COLLECT {
    MATCH (p)<-[:INSTANCE_OF]-(:ProductInstance)<-[:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]-(e:Event)
    RETURN e.owner ORDER BY e.recordTime, e.eventTime LIMIT 1
  }), $soleOrg) AS org
  WHERE org IS NOT NULL
  MERGE (d:ProductData {id: p.id, org: org})
  MERGE (d)-[:DESCRIBES]->(p)
  SET d += properties(p)
  REMOVE d.displayId
  SET p = {id: p.id, displayId: p.displayId}
} IN TRANSACTIONS OF 5000 ROWS;

MATCH (i:ProductInstance)
WHERE any(k IN keys(i) WHERE NOT k IN ['id', 'displayId', 'kind'])
CALL (i) {
  WITH i, coalesce(head(COLLECT {
    MATCH (i)<-[:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]-(e:Event)
    RETURN e.owner ORDER BY e.recordTime, e.eventTime LIMIT 1
  }), $soleOrg) AS org
  WHERE org IS NOT NULL
  MERGE (d:LotData {id: i.id, org: org})
  MERGE (d)-[:DESCRIBES]->(i)
  SET d += properties(i)
  REMOVE d.displayId, d.kind
  SET i = {id: i.id, displayId: i.displayId, kind: i.kind}
} IN TRANSACTIONS OF 5000 ROWS;

MATCH (n:Facility|Product|ProductInstance)
WHERE any(k IN keys(n) WHERE NOT k IN ['id', 'displayId', 'kind'])
RETURN count(n) AS unattributed

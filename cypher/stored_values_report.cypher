// Values stored before the input bounds that are kept as they are and reported (identities
// cannot be renamed without breaking the client's references; large values are readable):
// identifiers longer than $maxId characters, master-data names longer than $maxName, payload
// content and metadata longer than $maxChars characters, org names longer than $maxOrg (of
// keys or owning events). For each: how many, and up to $examples of their ids (cut to 80
// characters).
// :param maxId => 2048
// :param maxOrg => 200
// :param maxName => 1000
// :param maxChars => 65536
// :param examples => 5
CALL () {
  MATCH (n:Event) WHERE size(n.eventID) > $maxId
  RETURN 'event eventID' AS kind, n.eventID AS id
  UNION ALL
  MATCH (n:Payload) WHERE size(n.id) > $maxId
  RETURN 'payload id' AS kind, n.id AS id
  UNION ALL
  MATCH (n:Facility) WHERE size(n.id) > $maxId
  RETURN 'facility id' AS kind, n.id AS id
  UNION ALL
  MATCH (n:Product) WHERE size(n.id) > $maxId
  RETURN 'product id' AS kind, n.id AS id
  UNION ALL
  MATCH (n:ProductInstance) WHERE size(n.id) > $maxId
  RETURN 'product instance id' AS kind, n.id AS id
  UNION ALL
  MATCH (n:FacilityData) WHERE size(n.name) > $maxName
  RETURN 'facility name over the size limit' AS kind, n.id AS id
  UNION ALL
  MATCH (n:ProductData) WHERE size(n.name) > $maxName
  RETURN 'product name over the size limit' AS kind, n.id AS id
  UNION ALL
  MATCH (n:Payload) WHERE size(n.content) > $maxChars
  RETURN 'payload content over the size limit' AS kind, n.id AS id
  UNION ALL
  MATCH (n:TraceabilityRecord) WHERE size(n.metadata) > $maxChars
  RETURN 'record metadata over the size limit' AS kind, n.id AS id
  UNION ALL
  MATCH (n:Journey) WHERE size(n.metadata) > $maxChars
  RETURN 'journey metadata over the size limit' AS kind, n.id AS id
  UNION ALL
  CALL () {
    MATCH (n:Org) WHERE size(n.id) > $maxOrg
    RETURN n.id AS org
    UNION
    MATCH (n:Event) WHERE size(n.owner) > $maxOrg
    RETURN n.owner AS org
  }
  RETURN 'org name' AS kind, org AS id
}
WITH kind, count(id) AS count, collect(left(id, 80))[..$examples] AS examples
RETURN kind, count, examples
ORDER BY kind

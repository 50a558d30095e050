// The metadata text of one node found by stored_metadata_suspects.cypher.
// :param node => '4:f8a18547-f398-4f68-a459-be90c0adb195:1'
MATCH (n) WHERE elementId(n) = $node
RETURN n.metadata AS text

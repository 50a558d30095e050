// A new API key of an org (the org is created on first use). Only the SHA-256 hash of the
// secret is stored; keyPrefix (its first 8 characters) finds the key.
MERGE (o:Org {id: $org})
  ON CREATE SET o.createdAt = $key.createdAt
CREATE (k:ApiKey)
SET k = $key, k.org = $org
CREATE (k)-[:BELONGS_TO]->(o)
RETURN k {.*, keyHash: null} AS key

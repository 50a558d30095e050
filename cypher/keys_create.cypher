// A new API key of an org (the org is created on first use). Only the SHA-256 hash of the
// secret is stored; key_prefix (its first 8 characters) finds the key.
MERGE (o:Org {id: $org})
  ON CREATE SET o.created_at = $key.created_at
CREATE (k:ApiKey)
SET k = $key, k.org = $org
CREATE (k)-[:BELONGS_TO]->(o)
RETURN k {.*, key_hash: null} AS key

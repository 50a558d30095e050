// A new API key of an org (the org is created on first use). Only the SHA-256 hash of the
// secret is stored; keyPrefix (its first 8 characters) finds the key.
// :param org => 'acme'
// :param key => {id: '75ef9118-087a-4d3b-88dc-b6482368024f', name: 'acme test', keyPrefix: '5c6264e5', keyHash: '38e9cb1c0502db8eb106c35eaa25d5d692dddf3f0060f83daf427b12b882b1d9', scopes: ['admin'], status: 'active', createdAt: '2026-11-29T16:34:17.515Z', expiresAt: null, lastUsedAt: null, rateLimitPerHour: 1000}
MERGE (o:Org {id: $org})
  ON CREATE SET o.createdAt = $key.createdAt
CREATE (k:ApiKey)
SET k = $key, k.org = $org
CREATE (k)-[:BELONGS_TO]->(o)
RETURN k {.*, keyHash: null} AS key

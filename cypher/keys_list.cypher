// The keys of one org, newest first (no hash).
// :param org => 'demo'
MATCH (k:ApiKey {org: $org})
RETURN k {.*, keyHash: null} AS key
ORDER BY k.createdAt DESC, k.id

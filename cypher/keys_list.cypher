// The keys of one org, newest first (no hash).
MATCH (k:ApiKey {org: $org})
RETURN k {.*, key_hash: null} AS key
ORDER BY k.created_at DESC, k.id

// Record when a key was last used.
MATCH (k:ApiKey {id: $id})
SET k.lastUsedAt = $now

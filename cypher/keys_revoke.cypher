// Revoke one of the org's keys; returns nothing if the org has no such key.
MATCH (k:ApiKey {id: $id, org: $org})
SET k.status = 'revoked', k.revokedAt = $now
RETURN k.id AS id

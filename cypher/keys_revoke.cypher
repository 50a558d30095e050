// Revoke one of the org's keys; returns nothing if the org has no such key.
// :param id => '86cd2f8e-62bc-463c-9456-361ce26bb1f2'
// :param org => 'demo'
// :param now => '2026-11-29T16:21:18.613Z'
MATCH (k:ApiKey {id: $id, org: $org})
SET k.status = 'revoked', k.revokedAt = $now
RETURN k.id AS id

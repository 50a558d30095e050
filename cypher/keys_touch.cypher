// Record when a key was last used.
// :param id => 'f1aaf948-0467-4cd2-82f6-d022144f73c9'
// :param now => '2026-11-29T16:21:18.310Z'
MATCH (k:ApiKey {id: $id})
SET k.lastUsedAt = $now

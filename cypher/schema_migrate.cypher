// Data migrations, run after schema.cypher by `trace-engine db migrate` and at API start-up.
// Each statement is idempotent: it finds only data still in an old shape.

// ApiKey / Org / SHARES_WITH properties were snake_case before they were camelCase like the
// rest of the graph; the key-prefix constraint follows its property.
DROP CONSTRAINT api_key_prefix IF EXISTS;

MATCH (k:ApiKey)
WHERE k.key_prefix IS NOT NULL OR k.key_hash IS NOT NULL OR k.created_at IS NOT NULL
   OR k.expires_at IS NOT NULL OR k.last_used_at IS NOT NULL OR k.revoked_at IS NOT NULL
   OR k.rate_limit_per_hour IS NOT NULL
SET k.keyPrefix = coalesce(k.keyPrefix, k.key_prefix),
    k.keyHash = coalesce(k.keyHash, k.key_hash),
    k.createdAt = coalesce(k.createdAt, k.created_at),
    k.expiresAt = coalesce(k.expiresAt, k.expires_at),
    k.lastUsedAt = coalesce(k.lastUsedAt, k.last_used_at),
    k.revokedAt = coalesce(k.revokedAt, k.revoked_at),
    k.rateLimitPerHour = coalesce(k.rateLimitPerHour, k.rate_limit_per_hour)
REMOVE k.key_prefix, k.key_hash, k.created_at, k.expires_at, k.last_used_at, k.revoked_at,
       k.rate_limit_per_hour;

MATCH (o:Org)
WHERE o.created_at IS NOT NULL
SET o.createdAt = coalesce(o.createdAt, o.created_at)
REMOVE o.created_at;

MATCH (:Org)-[s:SHARES_WITH]->(:Org)
WHERE s.created_at IS NOT NULL
SET s.createdAt = coalesce(s.createdAt, s.created_at)
REMOVE s.created_at;

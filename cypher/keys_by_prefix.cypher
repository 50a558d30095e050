// The key whose secret starts with $prefix, with its hash for a constant-time comparison.
MATCH (k:ApiKey {key_prefix: $prefix})
RETURN k {.*} AS key

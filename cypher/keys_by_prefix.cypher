// The key whose secret starts with $prefix, with its hash for a constant-time comparison.
MATCH (k:ApiKey {keyPrefix: $prefix})
RETURN k {.*} AS key

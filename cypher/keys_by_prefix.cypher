// The key whose secret starts with $prefix, with its hash for a constant-time comparison.
// :param prefix => '5c6264e5'
MATCH (k:ApiKey {keyPrefix: $prefix})
RETURN k {.*} AS key

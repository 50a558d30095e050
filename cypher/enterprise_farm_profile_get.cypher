// $org's farm fields of one facility, if it stated any.
OPTIONAL MATCH (p:FarmProfile {key: $key})
RETURN p {.*} AS profile

// $org's farm fields of one facility, if it stated any.
// :param key => '["cocoa-coop","414/4012345000016"]'
OPTIONAL MATCH (p:FarmProfile {key: $key})
RETURN p {.*} AS profile

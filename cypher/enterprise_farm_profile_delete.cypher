// $org no longer states that the facility is a farm (PUT with another type and no farm fields).
// :param key => '["demo","414/4012345000016"]'
MATCH (p:FarmProfile {key: $key})
DETACH DELETE p

// $org no longer states that the facility is a farm (PUT with another type and no farm fields).
MATCH (p:FarmProfile {key: $key})
DETACH DELETE p

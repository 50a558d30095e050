// Whether one of $orgs' events has eventType $value.
RETURN EXISTS { MATCH (e:Event) WHERE e.eventType = $value AND e.owner IN $orgs } AS found

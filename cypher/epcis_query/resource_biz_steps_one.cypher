// Whether one of $orgs' events has bizStep $value.
RETURN EXISTS { MATCH (e:Event) WHERE e.bizStep = $value AND e.owner IN $orgs } AS found

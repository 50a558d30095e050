// Whether one of $orgs' events has disposition $value.
RETURN EXISTS { MATCH (e:Event) WHERE e.disposition = $value AND e.owner IN $orgs } AS found

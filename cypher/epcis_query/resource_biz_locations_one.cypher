// Whether one of $orgs' events names the Facility $value through AT.
RETURN EXISTS { MATCH (e:Event)-[:AT]->(:Facility {id: $value}) WHERE e.owner IN $orgs } AS found

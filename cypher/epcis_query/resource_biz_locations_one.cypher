// Whether one of $orgs' events names the Facility $value through AT.
// :param value => '414/0614141000050/254/rival'
// :param orgs => ['rival']
RETURN EXISTS { MATCH (e:Event)-[:AT]->(:Facility {id: $value}) WHERE e.owner IN $orgs } AS found

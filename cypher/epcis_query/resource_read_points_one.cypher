// Whether one of $orgs' events names the Facility $value through READ_POINT.
// :param value => 'urn:epcglobal:cbv:bizstep:shipping'
// :param orgs => ['demo']
RETURN EXISTS { MATCH (e:Event)-[:READ_POINT]->(:Facility {id: $value}) WHERE e.owner IN $orgs } AS found

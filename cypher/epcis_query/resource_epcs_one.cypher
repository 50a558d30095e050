// Whether one of $orgs' events names the ProductInstance $value through OBSERVED|CHILD|PARENT|INPUT|OUTPUT.
// :param value => 'urn:epcglobal:cbv:bizstep:shipping'
// :param orgs => ['demo']
RETURN EXISTS { MATCH (e:Event)-[:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]->(:ProductInstance {id: $value}) WHERE e.owner IN $orgs } AS found

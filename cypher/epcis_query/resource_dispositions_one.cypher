// Whether one of $orgs' events has disposition $value.
// :param value => 'urn:epcglobal:cbv:bizstep:shipping'
// :param orgs => ['demo']
RETURN EXISTS { MATCH (e:Event) WHERE e.disposition = $value AND e.owner IN $orgs } AS found

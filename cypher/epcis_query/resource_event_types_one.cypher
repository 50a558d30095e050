// Whether one of $orgs' events has eventType $value.
// :param value => 'urn:epcglobal:cbv:bizstep:shipping'
// :param orgs => ['demo']
RETURN EXISTS { MATCH (e:Event) WHERE e.eventType = $value AND e.owner IN $orgs } AS found
